"""LangGraph: an approval node for tool calls.

``AttestaToolNode(tools, attesta)`` is LangGraph's ``ToolNode`` with Attesta on its tool-call hook
(``wrap_tool_call``/``awrap_tool_call``): every tool call of the model's message is evaluated
before it runs; denied calls are answered with a ``ToolMessage`` (``status="error"``) saying why,
approved calls run, modified calls run with the reviewer's arguments. Given an
:class:`attesta.Session` as ``attesta``, each tool's result is fed to the session.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence, Tuple

try:
    from langchain_core.messages import ToolMessage
    from langgraph.prebuilt import ToolNode
except ImportError as missing:  # pragma: no cover - depends on the environment
    raise ImportError(f"attesta.integrations.langgraph needs langgraph: pip install 'attesta[langgraph]' ({missing})") from missing

from .._core import Attesta
from ._common import build_context, denial_text, modified_kwargs, observe_output, resolve_attesta

__all__ = ["AttestaToolNode", "create_approval_node", "attesta_tool_call_wrappers"]


def attesta_tool_call_wrappers(
    attesta: Optional[Attesta] = None,
    *,
    agent_id: Optional[str] = None,
    risk_hints: Optional[dict] = None,
) -> Tuple[Callable[..., Any], Callable[..., Any]]:
    """The ``(wrap_tool_call, awrap_tool_call)`` pair for a ``ToolNode``."""

    def context(request: Any):
        call = request.tool_call
        description = getattr(request.tool, "description", None)
        return build_context(
            call["name"],
            call.get("args") or {},
            source="langgraph",
            description=description,
            hints=risk_hints,
            agent_id=agent_id,
            metadata={"tool_call_id": call.get("id")},
        )

    def decide(request: Any, result: Any) -> Any:
        call = request.tool_call
        if not result.allowed:
            return ToolMessage(
                content=denial_text(call["name"], result),
                tool_call_id=call["id"],
                name=call["name"],
                status="error",
                artifact={"attesta": {"verdict": result.verdict.value, "audit_entry_id": result.audit_entry_id}},
            )
        new_args = modified_kwargs(result, call.get("args") or {})
        if new_args is None:
            return ToolMessage(
                content=f"Denied by Attesta: the reviewer's modification of '{call['name']}' is unusable",
                tool_call_id=call["id"],
                name=call["name"],
                status="error",
            )
        if new_args != call.get("args"):
            return request.override(tool_call={**call, "args": new_args})
        return request

    def observe(owner: Any, request: Any, output: Any) -> Any:
        # A Command (graph control) carries no result to read; a ToolMessage does.
        if isinstance(output, ToolMessage):
            observe_output(owner, output, request.tool_call["name"])
        return output

    def wrap(request: Any, execute: Callable[[Any], Any]) -> Any:
        owner = resolve_attesta(attesta)
        result = owner.evaluate_sync(context(request))
        decided = decide(request, result)
        return decided if isinstance(decided, ToolMessage) else observe(owner, request, execute(decided))

    async def awrap(request: Any, execute: Callable[[Any], Any]) -> Any:
        owner = resolve_attesta(attesta)
        result = await owner.evaluate(context(request))
        decided = decide(request, result)
        return decided if isinstance(decided, ToolMessage) else observe(owner, request, await execute(decided))

    return wrap, awrap


def AttestaToolNode(
    tools: Sequence[Any],
    attesta: Optional[Attesta] = None,
    *,
    agent_id: Optional[str] = None,
    risk_hints: Optional[dict] = None,
    **tool_node_kwargs: Any,
) -> ToolNode:
    """A ``ToolNode`` whose calls are approved by Attesta first."""
    wrap, awrap = attesta_tool_call_wrappers(attesta, agent_id=agent_id, risk_hints=risk_hints)
    return ToolNode(tools, wrap_tool_call=wrap, awrap_tool_call=awrap, **tool_node_kwargs)


create_approval_node = AttestaToolNode
