"""LangChain: gate any tool (``@tool`` functions, ``StructuredTool``, ``BaseTool`` subclasses).

``AttestaToolWrapper(attesta, tool)`` is itself a LangChain tool with the same name, description
and argument schema. Each call is evaluated first; a denied call never reaches the wrapped tool
and comes back to the model as an error tool result (``ToolMessage`` with ``status="error"``)
saying why, unless ``raise_on_deny=True``. Given an :class:`attesta.Session` as ``attesta``, the
wrapper feeds each tool's output to the session.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional

try:
    from langchain_core.tools import BaseTool, ToolException
    from pydantic import ConfigDict, Field
except ImportError as missing:  # pragma: no cover - depends on the environment
    raise ImportError(f"attesta.integrations.langchain needs langchain-core: pip install 'attesta[langchain]' ({missing})") from missing

from .._core import Attesta
from .._types import AttestaDenied
from ._common import build_context, denial_text, modified_kwargs, observe_output, resolve_attesta

__all__ = ["AttestaToolWrapper", "gate_tools"]


class AttestaToolWrapper(BaseTool):
    """A LangChain tool that asks Attesta before running ``tool``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    tool: BaseTool
    attesta: Any = None
    risk: Optional[str] = None
    risk_hints: Dict[str, Any] = Field(default_factory=dict)
    agent_id: Optional[str] = None
    session_id: Optional[str] = None
    min_review_seconds: Optional[float] = None
    raise_on_deny: bool = False

    def __init__(self, attesta: Optional[Attesta] = None, tool: Optional[BaseTool] = None, **kwargs: Any) -> None:
        if tool is None:
            tool = kwargs.pop("tool", None)
        if not isinstance(tool, BaseTool):
            raise TypeError(f"AttestaToolWrapper needs a LangChain tool, got {tool!r}")
        risk = kwargs.pop("risk", None)
        super().__init__(
            tool=tool,
            attesta=attesta,
            risk=None if risk is None else getattr(risk, "value", risk),
            name=kwargs.pop("name", tool.name),
            description=kwargs.pop("description", tool.description),
            args_schema=kwargs.pop("args_schema", tool.args_schema),
            return_direct=kwargs.pop("return_direct", tool.return_direct),
            response_format=kwargs.pop("response_format", tool.response_format),
            handle_tool_error=kwargs.pop("handle_tool_error", True),
            **kwargs,
        )

    def _context(self, tool_input: Any):
        kwargs = tool_input if isinstance(tool_input, Mapping) else {"input": tool_input}
        return build_context(
            self.name,
            kwargs,
            source="langchain",
            description=self.description,
            hints=self.risk_hints,
            agent_id=self.agent_id,
            session_id=self.session_id,
        )

    @staticmethod
    def _input(args: tuple, kwargs: Dict[str, Any]) -> Any:
        if args and not kwargs and len(args) == 1:
            return args[0]
        if args:
            raise ToolException("positional tool arguments cannot be gated; pass keyword arguments")
        return kwargs

    def _decide(self, tool_input: Any, result: Any) -> Any:
        if not result.allowed:
            message = denial_text(self.name, result)
            if self.raise_on_deny:
                raise AttestaDenied(result.denial_message, result)
            raise ToolException(message)
        if isinstance(tool_input, Mapping):
            new_kwargs = modified_kwargs(result, tool_input)
            if new_kwargs is None:
                raise ToolException(f"Denied by Attesta: the reviewer's modification of '{self.name}' is unusable")
            return new_kwargs
        return tool_input

    def _run(self, *args: Any, **kwargs: Any) -> Any:
        tool_input = self._input(args, kwargs)
        owner = resolve_attesta(self.attesta)
        result = owner.evaluate_sync(self._context(tool_input), risk=self.risk, min_review_seconds=self.min_review_seconds)
        output = self.tool.run(self._decide(tool_input, result))
        observe_output(owner, output, self.name)
        return output

    async def _arun(self, *args: Any, **kwargs: Any) -> Any:
        tool_input = self._input(args, kwargs)
        owner = resolve_attesta(self.attesta)
        result = await owner.evaluate(self._context(tool_input), risk=self.risk, min_review_seconds=self.min_review_seconds)
        output = await self.tool.arun(self._decide(tool_input, result))
        observe_output(owner, output, self.name)
        return output


def gate_tools(attesta: Optional[Attesta], tools: Iterable[BaseTool], **options: Any) -> List[AttestaToolWrapper]:
    """Wraps every tool of a toolkit."""
    return [AttestaToolWrapper(attesta, tool, **options) for tool in tools]
