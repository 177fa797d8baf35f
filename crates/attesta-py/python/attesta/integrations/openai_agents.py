"""OpenAI Agents SDK: Attesta as a tool input guardrail.

The SDK runs a function tool's ``tool_input_guardrails`` after the model asked for the call and
before the tool executes. ``attesta_tool_guardrail(attesta)`` evaluates the call there; a denied
call is rejected with a message the model sees in place of the tool's output (the tool never
runs). Attach it with ``gate_function_tools(tools, attesta)`` or pass it to
``@function_tool(tool_input_guardrails=[...])``. Given an :class:`attesta.Session`,
``gate_function_tools`` also adds an output guardrail that feeds each tool's output to the
session (``attesta_session_output_guardrail(session)`` on its own).
"""

from __future__ import annotations

from typing import Any, Iterable, List, Optional

try:
    from agents import FunctionTool
    from agents.tool_guardrails import (
        ToolGuardrailFunctionOutput,
        ToolInputGuardrail,
        ToolInputGuardrailData,
        ToolOutputGuardrail,
        ToolOutputGuardrailData,
    )
except ImportError as missing:  # pragma: no cover - depends on the environment
    raise ImportError(f"attesta.integrations.openai_agents needs openai-agents: pip install 'attesta[openai-agents]' ({missing})") from missing

from .._core import Attesta
from .._types import Verdict
from .._core import Session
from ._common import build_context, denial_text, observe_output, parse_arguments, resolve_attesta

__all__ = ["attesta_tool_guardrail", "attesta_session_output_guardrail", "gate_function_tools"]


def attesta_tool_guardrail(
    attesta: Optional[Attesta] = None,
    *,
    risk: Any = None,
    agent_id: Optional[str] = None,
    risk_hints: Optional[dict] = None,
    descriptions: Optional[dict] = None,
) -> ToolInputGuardrail[Any]:
    """A ``ToolInputGuardrail`` that lets a call through only when Attesta approves it.

    ``agent_id`` defaults to the SDK agent's name. A reviewer's MODIFIED verdict cannot change
    the SDK's arguments in flight, so it is rejected with the modification for the model to retry.
    """

    async def attesta_approval(data: ToolInputGuardrailData) -> ToolGuardrailFunctionOutput:
        tool_ctx = data.context
        name = tool_ctx.tool_name
        ctx = build_context(
            name,
            parse_arguments(tool_ctx.tool_arguments),
            source="openai_agents",
            description=(descriptions or {}).get(name),
            hints=risk_hints,
            agent_id=agent_id or getattr(data.agent, "name", None),
            metadata={"tool_call_id": tool_ctx.tool_call_id},
        )
        result = await resolve_attesta(attesta).evaluate(ctx, risk=risk)
        info = {"verdict": result.verdict.value, "risk_score": result.risk_score, "audit_entry_id": result.audit_entry_id}
        if result.verdict is Verdict.APPROVED:
            return ToolGuardrailFunctionOutput.allow(output_info=info)
        if result.verdict is Verdict.MODIFIED:
            return ToolGuardrailFunctionOutput.reject_content(
                f"Attesta: the reviewer changed the arguments of '{name}'; call it again with {result.modification!r}",
                output_info=info,
            )
        return ToolGuardrailFunctionOutput.reject_content(denial_text(name, result), output_info=info)

    return ToolInputGuardrail(guardrail_function=attesta_approval, name="attesta")


def attesta_session_output_guardrail(session: Session) -> ToolOutputGuardrail[Any]:
    """A ``ToolOutputGuardrail`` that feeds each tool's output to ``session`` (and always lets
    the output through): later calls are judged knowing what the tools returned."""
    if not isinstance(session, Session):
        raise TypeError(f"attesta_session_output_guardrail needs an attesta.Session, got {session!r}")

    def attesta_session(data: ToolOutputGuardrailData) -> ToolGuardrailFunctionOutput:
        observe_output(session, data.output, data.context.tool_name)
        return ToolGuardrailFunctionOutput.allow()

    return ToolOutputGuardrail(guardrail_function=attesta_session, name="attesta-session")


def gate_function_tools(tools: Iterable[Any], attesta: Optional[Attesta] = None, **options: Any) -> List[Any]:
    """Adds the Attesta guardrail to every ``FunctionTool`` (other tool kinds are returned as they
    are; hosted tools do not run in this process)."""
    gated = []
    for tool in tools:
        if isinstance(tool, FunctionTool):
            descriptions = {tool.name: tool.description}
            guard = attesta_tool_guardrail(attesta, descriptions=descriptions, **options)
            # Re-gating replaces an earlier Attesta guardrail instead of stacking another one.
            others = [g for g in (tool.tool_input_guardrails or []) if getattr(g, "name", None) != "attesta"]
            tool.tool_input_guardrails = [guard, *others]
            if isinstance(attesta, Session):
                outputs = [g for g in (tool.tool_output_guardrails or []) if getattr(g, "name", None) != "attesta-session"]
                tool.tool_output_guardrails = [*outputs, attesta_session_output_guardrail(attesta)]
        gated.append(tool)
    return gated
