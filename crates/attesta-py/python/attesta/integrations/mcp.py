"""MCP servers written in Python: gate tool calls inside the server.

``attesta_tool_handler`` decorates a tool-call handler. A denied call never reaches the handler;
the client receives a tool result with ``isError: true`` and a text saying why and the audit id.
It understands the three handler shapes of the official SDK:

- the low-level ``call_tool`` handler of mcp 1.x: ``async def handler(name, arguments)``;
- the low-level ``on_call_tool`` handler of mcp 2.x: ``async def handler(ctx, params)``;
- a single tool function (``@mcp.tool()`` on ``FastMCP``/``MCPServer``): ``def tool(**arguments)``.

For servers you cannot change, ``attesta mcp wrap -- <server command>`` gates them from outside.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Mapping, Optional

from .._core import Attesta
from .._native import ApprovalResult
from ._common import build_context, denial_text, modified_kwargs, parse_arguments, resolve_attesta

try:  # mcp >= 2 ships its types separately
    from mcp_types import CallToolResult
except ImportError:  # pragma: no cover - mcp 1.x
    try:
        from mcp.types import CallToolResult
    except ImportError as missing:
        raise ImportError(f"attesta.integrations.mcp needs mcp: pip install 'attesta[mcp]' ({missing})") from missing

def _tool_error_class() -> Optional[type]:
    """The high-level server's "tool failed" exception (its message reaches the client)."""
    try:
        from mcp.server.mcpserver.exceptions import ToolError
    except ImportError:  # pragma: no cover - mcp 1.x
        try:
            from mcp.server.fastmcp.exceptions import ToolError  # type: ignore[no-redef]
        except ImportError:
            return None
    return ToolError


_ToolError = _tool_error_class()

__all__ = ["attesta_tool_handler", "denied_tool_result"]


def _deny_tool_function(name: str, result: Any) -> Any:
    """Tool functions of FastMCP/MCPServer answer a denial by raising the SDK's ToolError: the
    server turns it into an ``isError`` result carrying the text, whatever the function's return
    annotation (a returned CallToolResult would fail output validation under structured output)."""
    if _ToolError is not None:
        raise _ToolError(denial_text(name, result))
    return denied_tool_result(name, result)


def denied_tool_result(name: str, result: ApprovalResult) -> Any:
    """The ``CallToolResult`` (``isError: true``) returned for a call Attesta did not allow."""
    return CallToolResult.model_validate(
        {"content": [{"type": "text", "text": denial_text(name, result)}], "isError": True}
    )


def _unusable(name: str) -> Any:
    return CallToolResult.model_validate(
        {
            "content": [{"type": "text", "text": f"Denied by Attesta: the reviewer's modification of '{name}' is unusable"}],
            "isError": True,
        }
    )


def attesta_tool_handler(
    attesta: Any = None,
    *,
    risk: Any = None,
    agent_id: Optional[str] = None,
    risk_hints: Optional[Mapping[str, Any]] = None,
    descriptions: Optional[Mapping[str, str]] = None,
) -> Any:
    """Decorator for MCP tool handlers (see the module documentation). Usable bare or with options."""
    if callable(attesta) and not isinstance(attesta, Attesta):
        return attesta_tool_handler()(attesta)

    def context(name: str, arguments: Mapping[str, Any], description: Optional[str] = None):
        return build_context(
            name,
            arguments,
            source="mcp",
            description=description or (descriptions or {}).get(name),
            hints=risk_hints,
            agent_id=agent_id,
        )

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        params = list(inspect.signature(func).parameters)
        is_async = inspect.iscoroutinefunction(func)
        low_level = len(params) == 2 and (params[0] == "name" or params[1] in ("params", "request", "arguments"))

        if low_level:

            @functools.wraps(func)
            async def handler(first: Any, second: Any) -> Any:
                if isinstance(first, str):  # mcp 1.x: (name, arguments)
                    name, arguments = first, parse_arguments(second)
                else:  # mcp 2.x: (ctx, CallToolRequestParams)
                    name, arguments = second.name, parse_arguments(second.arguments)
                result = await resolve_attesta(attesta).evaluate(context(name, arguments), risk=risk)
                if not result.allowed:
                    return denied_tool_result(name, result)
                new_arguments = modified_kwargs(result, arguments)
                if new_arguments is None:
                    return _unusable(name)
                if new_arguments != arguments:
                    if isinstance(first, str):
                        second = new_arguments
                    else:
                        second = second.model_copy(update={"arguments": new_arguments})
                out = func(first, second)
                return await out if inspect.isawaitable(out) else out

            return handler

        name = getattr(func, "__name__", "tool")
        description = inspect.getdoc(func)

        if is_async:

            @functools.wraps(func)
            async def async_tool(*args: Any, **kwargs: Any) -> Any:
                result = await resolve_attesta(attesta).evaluate(
                    context(name, kwargs, description) if not args else build_context(name, kwargs, source="mcp", args=args, description=description),
                    risk=risk,
                )
                if not result.allowed:
                    return _deny_tool_function(name, result)
                new_kwargs = modified_kwargs(result, kwargs)
                if new_kwargs is None:
                    return _unusable(name)
                return await func(*args, **new_kwargs)

            return async_tool

        @functools.wraps(func)
        def sync_tool(*args: Any, **kwargs: Any) -> Any:
            result = resolve_attesta(attesta).evaluate_sync(
                context(name, kwargs, description) if not args else build_context(name, kwargs, source="mcp", args=args, description=description),
                risk=risk,
            )
            if not result.allowed:
                return _deny_tool_function(name, result)
            new_kwargs = modified_kwargs(result, kwargs)
            if new_kwargs is None:
                return _unusable(name)
            return func(*args, **new_kwargs)

        return sync_tool

    return decorate
