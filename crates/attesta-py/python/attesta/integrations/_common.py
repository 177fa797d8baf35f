"""Helpers shared by the framework integrations."""

from __future__ import annotations

import json
from typing import Any, Dict, Mapping, Optional, Tuple

from .._core import Attesta, Session, default_attesta
from .._native import ApprovalResult
from .._types import ActionContext, Verdict

__all__ = ["resolve_attesta", "parse_arguments", "denial_text", "build_context", "modified_kwargs", "observe_output"]


def resolve_attesta(attesta: Optional[Attesta]) -> Attesta:
    return default_attesta() if attesta is None else attesta


def observe_output(owner: Any, output: Any, tool: str) -> None:
    """Feeds a tool's output to the session when ``owner`` is a :class:`attesta.Session`, so later
    calls are judged knowing what the tool returned. Messages (``ToolMessage``) are read by their
    content and artifact."""
    if not isinstance(owner, Session):
        return
    content = getattr(output, "content", None)
    if content is not None and not isinstance(output, (str, bytes, Mapping)):
        artifact = getattr(output, "artifact", None)
        output = content if artifact is None else {"content": content, "artifact": artifact}
    owner.observe_result(output, tool=tool)


def parse_arguments(raw: Any) -> Dict[str, Any]:
    """Tool arguments as a dict: a JSON object string is parsed, anything unparsable is kept as
    ``{"raw_input": value}`` so the scorer still sees it."""
    if raw is None:
        return {}
    if isinstance(raw, Mapping):
        return dict(raw)
    if isinstance(raw, (str, bytes, bytearray)):
        text = raw.decode("utf-8", "replace") if not isinstance(raw, str) else raw
        if not text.strip():
            return {}
        try:
            value = json.loads(text)
        except ValueError:
            return {"raw_input": text}
        return dict(value) if isinstance(value, dict) else {"raw_input": value}
    model_dump = getattr(raw, "model_dump", None)
    if callable(model_dump):
        dumped = model_dump()
        if isinstance(dumped, dict):
            return dumped
    return {"raw_input": raw}


def build_context(
    name: str,
    kwargs: Mapping[str, Any],
    *,
    source: str,
    description: Optional[str] = None,
    hints: Optional[Mapping[str, Any]] = None,
    agent_id: Optional[str] = None,
    session_id: Optional[str] = None,
    environment: Optional[str] = None,
    metadata: Optional[Mapping[str, Any]] = None,
    args: Tuple[Any, ...] = (),
) -> ActionContext:
    return ActionContext(
        function_name=name,
        args=args,
        kwargs=dict(kwargs),
        function_doc=description or None,
        hints=dict(hints or {}),
        agent_id=agent_id,
        session_id=session_id,
        environment=environment,
        metadata={"source": source, **dict(metadata or {})},
    )


def denial_text(name: str, result: ApprovalResult) -> str:
    """What the model is told when a call was not allowed: what, why, and where it is recorded."""
    verdict = result.verdict.value
    text = (
        f"Denied by Attesta: tool '{name}' was not run (verdict: {verdict}, "
        f"risk: {result.risk_level.value}, score: {result.risk_score:.2f}). Reason: {result.reason}."
    )
    if result.audit_entry_id:
        text += f" Audit entry: {result.audit_entry_id}."
    return text


def modified_kwargs(result: ApprovalResult, original: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    """The keyword arguments to run with, or None when the modification is unusable (deny)."""
    if result.verdict is not Verdict.MODIFIED:
        return dict(original)
    modification = result.modification
    if not isinstance(modification, dict):
        return None
    kwargs = modification.get("kwargs", dict(original))
    if not isinstance(kwargs, dict) or modification.get("args"):
        return None
    return kwargs
