"""CrewAI: tools are gated before they run.

Two ways, both on CrewAI's own interfaces:

- ``register_attesta_hook(attesta)`` installs a *before tool call* hook (CrewAI's
  ``register_before_tool_call_hook``): every tool call of every crew is evaluated first and a
  denied call is blocked (the hook returns ``False``, so the tool never runs).
- ``gate_crewai_tool(tool, attesta)`` gates one tool object (``crewai.tools.BaseTool`` or anything
  with ``name``, ``description`` and ``_run``): a denied call returns the denial text to the agent
  instead of running, so the agent learns why.

CrewAI itself is imported only by ``register_attesta_hook``.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Dict, Mapping, Optional

from .._core import Attesta
from ._common import build_context, denial_text, modified_kwargs, parse_arguments, resolve_attesta

__all__ = ["attesta_before_tool_call", "register_attesta_hook", "unregister_attesta_hook", "gate_crewai_tool"]


def attesta_before_tool_call(
    attesta: Optional[Attesta] = None,
    *,
    risk_hints: Optional[Mapping[str, Any]] = None,
    on_denied: Optional[Callable[[str, Any], None]] = None,
) -> Callable[[Any], Optional[bool]]:
    """A CrewAI before-tool-call hook: ``False`` blocks the call, ``None`` lets it run.

    A reviewer's modification is applied in place to ``context.tool_input`` (CrewAI's documented
    way to change a call's input). A modification that cannot be applied (unusable, or the input
    is not a dict that can be changed in place) blocks the call. ``on_denied(context, result)``
    is told about every blocked call.
    """

    def hook(context: Any) -> Optional[bool]:
        tool_input = getattr(context, "tool_input", None)
        arguments = parse_arguments(tool_input)
        tool = getattr(context, "tool", None)
        agent = getattr(context, "agent", None)
        ctx = build_context(
            context.tool_name,
            arguments,
            source="crewai",
            description=getattr(tool, "description", None),
            hints=risk_hints,
            agent_id=getattr(agent, "role", None),
        )
        result = resolve_attesta(attesta).evaluate_sync(ctx)
        if not result.allowed:
            if on_denied is not None:
                on_denied(context, result)
            return False
        new_arguments = modified_kwargs(result, arguments)
        # A modification can only be applied by changing a dict input in place; for a string (or
        # any other) input, letting the call run would run the original arguments, which the
        # reviewer changed. So an unusable or inapplicable modification blocks the call.
        if new_arguments is None or (new_arguments != arguments and not isinstance(tool_input, dict)):
            if on_denied is not None:
                on_denied(context, result)
            return False
        if new_arguments != arguments and isinstance(tool_input, dict):
            tool_input.clear()
            tool_input.update(new_arguments)
        return None

    hook.__name__ = "attesta_before_tool_call"
    return hook


def register_attesta_hook(attesta: Optional[Attesta] = None, **options: Any) -> Callable[[Any], Optional[bool]]:
    """Registers the Attesta hooks globally with CrewAI and returns the before-tool-call hook.

    CrewAI answers a blocked call with a generic "blocked by hook" text; an after-tool-call hook
    (CrewAI runs those for blocked calls too) replaces it with Attesta's reason and audit id, so
    the agent learns why. ``unregister_attesta_hook(hook)`` removes both.
    """
    from crewai.hooks import register_after_tool_call_hook, register_before_tool_call_hook

    denials: Dict[int, str] = {}
    user_on_denied = options.pop("on_denied", None)

    def remember(context: Any, result: Any) -> None:
        denials[id(context.tool_input)] = denial_text(context.tool_name, result)
        if user_on_denied is not None:
            user_on_denied(context, result)

    before_hook = attesta_before_tool_call(attesta, on_denied=remember, **options)

    def after_hook(context: Any) -> Optional[str]:
        return denials.pop(id(context.tool_input), None)

    before_hook.__name__ = "attesta_before_tool_call"
    after_hook.__name__ = "attesta_explain_denial"
    register_before_tool_call_hook(before_hook)
    register_after_tool_call_hook(after_hook)
    _registered[id(before_hook)] = after_hook
    return before_hook


def unregister_attesta_hook(hook: Callable[[Any], Optional[bool]]) -> None:
    from crewai.hooks import unregister_after_tool_call_hook, unregister_before_tool_call_hook

    unregister_before_tool_call_hook(hook)
    after = _registered.pop(id(hook), None)
    if after is not None:
        unregister_after_tool_call_hook(after)


_registered: Dict[int, Callable[[Any], Optional[str]]] = {}


def gate_crewai_tool(tool: Any, attesta: Optional[Attesta] = None, *, risk: Any = None, agent_id: Optional[str] = None) -> Any:
    """Gates one CrewAI tool in place (its ``_run``) and returns it."""
    original = tool._run
    name = getattr(tool, "name", None) or type(tool).__name__
    description = getattr(tool, "description", None)

    @functools.wraps(original)
    def gated_run(*args: Any, **kwargs: Any) -> Any:
        ctx = build_context(name, kwargs, source="crewai", description=description, agent_id=agent_id, args=args)
        result = resolve_attesta(attesta).evaluate_sync(ctx, risk=risk)
        if not result.allowed:
            return denial_text(name, result)
        new_kwargs = modified_kwargs(result, kwargs)
        if new_kwargs is None:
            return f"Denied by Attesta: the reviewer's modification of '{name}' is unusable"
        return original(*args, **new_kwargs)

    # CrewAI tools are pydantic models; bypass field validation to replace the bound method.
    object.__setattr__(tool, "_run", gated_run)
    return tool
