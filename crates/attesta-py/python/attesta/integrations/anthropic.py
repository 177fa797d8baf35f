"""Anthropic tool use: gate ``tool_use`` blocks before running them.

``AttestaToolGate`` looks at a Messages API response, evaluates every ``tool_use`` block and
produces the ``tool_result`` blocks for the next request: the tool's output when approved, or an
``is_error`` result saying why when not (the tool never runs).
"""

from __future__ import annotations

import inspect
import json
from typing import Any, Callable, Dict, List, Mapping, Optional

from .._core import Attesta
from .._native import ApprovalResult
from ._common import build_context, denial_text, modified_kwargs, parse_arguments, resolve_attesta

__all__ = ["AttestaToolGate"]


def _field(block: Any, name: str) -> Any:
    return block.get(name) if isinstance(block, Mapping) else getattr(block, name, None)


def _tool_uses(message_or_blocks: Any) -> List[Any]:
    content = _field(message_or_blocks, "content")
    blocks = content if content is not None and not isinstance(message_or_blocks, list) else message_or_blocks
    if isinstance(blocks, Mapping) or not isinstance(blocks, (list, tuple)):
        blocks = [blocks]
    return [b for b in blocks if _field(b, "type") == "tool_use"]


def _content(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, Mapping) and "type" in v for v in value):
        return value
    return json.dumps(value, default=str)


class AttestaToolGate:
    """Evaluates Anthropic ``tool_use`` blocks with Attesta.

    Args:
        attesta: the pipeline (default: :func:`attesta.default_attesta`).
        tools: ``{tool name: callable}`` used by :meth:`handle` to run approved calls.
        descriptions: ``{tool name: description}`` (the tool definitions' descriptions help scoring).
    """

    def __init__(
        self,
        attesta: Optional[Attesta] = None,
        tools: Optional[Mapping[str, Callable[..., Any]]] = None,
        *,
        descriptions: Optional[Mapping[str, str]] = None,
        agent_id: Optional[str] = None,
        session_id: Optional[str] = None,
        risk_hints: Optional[Mapping[str, Any]] = None,
    ) -> None:
        self.attesta = attesta
        self.tools = dict(tools or {})
        self.descriptions = dict(descriptions or {})
        self.agent_id = agent_id
        self.session_id = session_id
        self.risk_hints = dict(risk_hints or {})

    def _context(self, block: Any):
        name = _field(block, "name")
        return build_context(
            name,
            parse_arguments(_field(block, "input")),
            source="anthropic",
            description=self.descriptions.get(name),
            hints=self.risk_hints,
            agent_id=self.agent_id,
            session_id=self.session_id,
            metadata={"tool_use_id": _field(block, "id")},
        )

    def evaluate(self, block: Any) -> ApprovalResult:
        """Evaluates one ``tool_use`` block (blocking; the GIL is released while waiting)."""
        return resolve_attesta(self.attesta).evaluate_sync(self._context(block))

    async def aevaluate(self, block: Any) -> ApprovalResult:
        return await resolve_attesta(self.attesta).evaluate(self._context(block))

    @staticmethod
    def denial_result(block: Any, result: ApprovalResult) -> Dict[str, Any]:
        """The ``tool_result`` block telling the model the call was not run, and why."""
        return {
            "type": "tool_result",
            "tool_use_id": _field(block, "id"),
            "content": denial_text(_field(block, "name"), result),
            "is_error": True,
        }

    def _arguments(self, block: Any, result: ApprovalResult) -> Optional[Dict[str, Any]]:
        return modified_kwargs(result, parse_arguments(_field(block, "input")))

    def _handler(self, block: Any) -> Callable[..., Any]:
        name = _field(block, "name")
        handler = self.tools.get(name)
        if handler is None:
            raise KeyError(f"no handler for tool '{name}'; pass tools={{'{name}': callable}}")
        return handler

    def handle(self, message_or_blocks: Any) -> List[Dict[str, Any]]:
        """Evaluates every ``tool_use`` block and returns the ``tool_result`` blocks for the next
        user message; approved calls are run with the handlers from ``tools``."""
        results = []
        for block in _tool_uses(message_or_blocks):
            result = self.evaluate(block)
            results.append(self._finish(block, result, run=True))
        return results

    async def ahandle(self, message_or_blocks: Any) -> List[Dict[str, Any]]:
        results = []
        for block in _tool_uses(message_or_blocks):
            result = await self.aevaluate(block)
            entry = self._finish(block, result, run=False)
            if entry is None:
                kwargs = self._arguments(block, result) or {}
                value = self._handler(block)(**kwargs)
                if inspect.isawaitable(value):
                    value = await value
                entry = {"type": "tool_result", "tool_use_id": _field(block, "id"), "content": _content(value)}
            results.append(entry)
        return results

    def _finish(self, block: Any, result: ApprovalResult, *, run: bool) -> Any:
        if not result.allowed:
            return self.denial_result(block, result)
        kwargs = self._arguments(block, result)
        if kwargs is None:
            return {
                "type": "tool_result",
                "tool_use_id": _field(block, "id"),
                "content": f"Denied by Attesta: the reviewer's modification of '{_field(block, 'name')}' is unusable",
                "is_error": True,
            }
        if not run:
            return None
        value = self._handler(block)(**kwargs)
        return {"type": "tool_result", "tool_use_id": _field(block, "id"), "content": _content(value)}
