"""``Attesta`` (the pipeline object) and the ``gate`` decorator."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import inspect
import json
import os
import threading
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, TypeVar, Union, overload

from . import _native
from ._native import ApprovalResult
from ._types import ActionContext, AttestaDenied, RiskAssessment, RiskLevel, Verdict

__all__ = ["Attesta", "Session", "gate", "default_attesta", "session"]

F = TypeVar("F", bound=Callable[..., Any])
PathLike = Union[str, "os.PathLike[str]"]

def _resolve(future: "asyncio.Future[Any]", result: Any) -> None:
    """Completes an awaited evaluation on the event loop's thread."""
    if future.done():
        return
    if isinstance(result, BaseException):
        future.set_exception(result)
    else:
        future.set_result(result)


async def _evaluate(pipeline: Any, ctx: ActionContext, risk: Optional[str], min_review_seconds: Optional[float]) -> ApprovalResult:
    loop = asyncio.get_running_loop()
    out = pipeline.evaluate_nowait(ctx, loop, _resolve, risk, min_review_seconds)
    if type(out) is tuple:
        handle, future = out
        try:
            return await future
        except asyncio.CancelledError:
            handle.cancel()
            raise
    return out


def _risk_value(risk: Any) -> Optional[str]:
    if risk is None:
        return None
    # Validates early, with the enum's own error ("'x' is not a valid RiskLevel").
    return RiskLevel(risk.value if isinstance(risk, RiskLevel) else risk).value


def _check_min_review(value: Optional[float]) -> Optional[float]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value != value:
        raise ValueError(f"min_review_seconds must be a number >= 0, got {value!r}")
    return float(value)


class Attesta:
    """The Attesta pipeline: risk scoring, challenge, human review, audit.

    Create one per application (it is thread-safe) and share it across frameworks; every gate of
    an instance shares its scorer, trust store and audit log.

    Args:
        config: path of ``attesta.yaml`` (or ``.json``/``.toml``), or a dict in the same shape.
            Without one, built-in defaults apply (paths relative to the current directory).
        risk_scorer: a scorer object (``name`` and ``score(ctx)``) replacing the default scorer.
        renderer: a custom reviewer (see :class:`attesta.Renderer` and :class:`attesta.Prompter`).
            Without one, Attesta uses the terminal when there is one, and otherwise denies
            anything that needs a human (unless ``policy.unattended: allow``).
        audit_path / audit: where the audit log goes, or ``audit=False`` to disable it.
        trust_store_path / trust: where trust is kept, or ``trust=False`` to disable it.
        environment: force ``production``/``staging``/``ci``/``development``.
        challenge_map: ``{RiskLevel: ChallengeType}`` overriding the configured map.
    """

    def __init__(
        self,
        config: "Optional[Union[PathLike, Mapping[str, Any]]]" = None,
        *,
        risk_scorer: Any = None,
        renderer: Any = None,
        audit_path: Optional[PathLike] = None,
        audit: Optional[bool] = None,
        trust_store_path: Optional[PathLike] = None,
        trust: Optional[bool] = None,
        environment: Optional[str] = None,
        challenge_map: Optional[Mapping[Any, Any]] = None,
    ) -> None:
        config_path = None
        config_json = None
        if isinstance(config, Mapping):
            config_json = json.dumps(config)
        elif config is not None:
            config_path = os.fspath(config)
        self._pipeline = _native.Pipeline(
            config_path,
            scorer=risk_scorer,
            renderer=renderer,
            audit_path=None if audit_path is None else os.fspath(audit_path),
            audit=audit,
            trust_store_path=None if trust_store_path is None else os.fspath(trust_store_path),
            trust=trust,
            environment=environment,
            challenge_map=challenge_map,
            config_json=config_json,
        )

    @classmethod
    def from_config(cls, path: PathLike, **kwargs: Any) -> "Attesta":
        """Loads ``attesta.yaml`` (YAML, JSON or TOML, chosen by extension; parsed by the Rust core)."""
        return cls(path, **kwargs)

    @classmethod
    def _from_pipeline(cls, pipeline: Any) -> "Attesta":
        self = cls.__new__(cls)
        self._pipeline = pipeline
        return self

    @property
    def environment(self) -> str:
        return self._pipeline.environment

    @property
    def reviewer_name(self) -> str:
        return self._pipeline.reviewer_name

    @property
    def audit_path(self) -> Optional[str]:
        path = self._pipeline.audit_path
        return None if path is None else os.fspath(path)

    @property
    def config_path(self) -> Optional[str]:
        path = self._pipeline.config_path
        return None if path is None else os.fspath(path)

    def __repr__(self) -> str:
        return f"Attesta(config={self.config_path!r}, reviewer={self.reviewer_name!r}, environment={self.environment!r})"

    async def evaluate(
        self, ctx: ActionContext, *, risk: Any = None, min_review_seconds: Optional[float] = None
    ) -> ApprovalResult:
        """Runs one action through the pipeline. Never raises for a denial: check ``result.verdict``.

        Scoring and auto-approval complete without leaving the event loop; a human review runs on
        Attesta's own threads while the loop keeps serving other tasks. Cancelling the awaiting
        task cancels the review.
        """
        return await _evaluate(self._pipeline, ctx, _risk_value(risk), _check_min_review(min_review_seconds))

    def evaluate_sync(
        self, ctx: ActionContext, *, risk: Any = None, min_review_seconds: Optional[float] = None
    ) -> ApprovalResult:
        """:meth:`evaluate` for synchronous code; works inside a running event loop too.

        The GIL is released while waiting, so other Python threads keep running.
        """
        return self._pipeline.evaluate_blocking(ctx, _risk_value(risk), _check_min_review(min_review_seconds))

    def assess(self, ctx: ActionContext, *, risk: Any = None) -> RiskAssessment:
        """Scores an action without asking anyone or writing anything."""
        return RiskAssessment._from_dict(self._pipeline.assess(ctx, _risk_value(risk)))

    def derive(self, *, risk_scorer: Any = None, renderer: Any = None, challenge_map: Any = None) -> "Attesta":
        """A sibling with the same configuration, audit log and trust store but another scorer,
        renderer or challenge map."""
        return Attesta._from_pipeline(
            self._pipeline.derive(scorer=risk_scorer, renderer=renderer, challenge_map=challenge_map)
        )

    def session(self, session_id: Optional[str] = None, *, user_request: Optional[str] = None) -> "Session":
        """A :class:`Session` of this pipeline: the same configuration, audit log and trust
        store, with every call judged in the context of one agent session."""
        return Session(self, session_id, user_request=user_request)

    @overload
    def gate(self, func: F) -> F: ...

    @overload
    def gate(self, func: None = None, **options: Any) -> Callable[[F], F]: ...

    def gate(self, func: Optional[F] = None, **options: Any) -> Any:
        """Decorator: the function runs only when this pipeline approves the call.

        Usable bare (``@attesta.gate``) or with options: ``risk`` (override: ``"critical"`` or a
        :class:`RiskLevel`), ``risk_scorer``, ``risk_hints``, ``agent_id``, ``session_id``,
        ``environment``, ``min_review_seconds``, ``renderer``, ``challenge_map``,
        ``function_name``, ``function_doc``, ``metadata``. Works on sync and async functions.
        Denials raise :class:`AttestaDenied`; MODIFIED runs the function with the reviewer's
        arguments, never the originals.
        """
        _Gate.check(options)
        if func is not None:
            return _Gate(lambda: self, options).wrap(func)
        return lambda f: _Gate(lambda: self, options).wrap(f)


class Session(Attesta):
    """One agent session: an :class:`Attesta` that judges each call in the context of what the
    session has seen (see "Session context" in docs/scoring.md).

    Tell it the user's request (:meth:`user_request`) and the tool results
    (:meth:`observe_result`); every evaluation, gate and integration that uses the session then
    gets the session-aware score: a tool result carrying instructions aimed at the agent raises
    later calls that send data out, move money, change access or destroy; targets nobody named
    raise a call; reading secrets then sending out is raised; a reversible MEDIUM change to
    targets the user named may be lowered to LOW. A session only ever lowers within those rules,
    never below what a configured rule or an explicit ``risk=`` override says.

    Memory is bounded whatever is fed in. Thread-safe; use one session per agent run. Every call
    evaluated (or assessed) through the session is recorded in it, in order.

    The framework integrations (LangChain, LangGraph, OpenAI Agents) feed tool results to the
    session themselves when they are given one in place of an :class:`Attesta`.
    """

    def __init__(self, attesta: Optional[Attesta] = None, session_id: Optional[str] = None, *, user_request: Optional[str] = None) -> None:
        base = default_attesta() if attesta is None else attesta
        if session_id is not None and not isinstance(session_id, str):
            raise TypeError(f"session_id must be a str, got {type(session_id).__name__}")
        self._native_session = _native.NativeSession()
        self._pipeline = base._pipeline.derive(session=self._native_session)
        self.session_id = session_id
        if user_request is not None:
            self.user_request(user_request)

    def __repr__(self) -> str:
        return f"Session(session_id={self.session_id!r}, calls={len(self.calls)}, tainted={self.taint is not None})"

    def user_request(self, text: str) -> None:
        """What the user asked for (a prompt). Several requests accumulate."""
        if not isinstance(text, str):
            raise TypeError(f"user_request needs the request text (str), got {type(text).__name__}")
        self._native_session.user_request(text)

    def observe_result(self, result: Any, *, tool: Optional[str] = None) -> None:
        """A tool's result: text (``str``/``bytes``) or anything JSON-like (dicts, lists, …).
        ``tool`` names the tool that produced it, for the evidence of a taint (default: the most
        recent call)."""
        if tool is not None and not isinstance(tool, str):
            raise TypeError(f"tool must be a str, got {type(tool).__name__}")
        self._native_session.observe_result(result, tool)

    @property
    def has_request(self) -> bool:
        return self._native_session.has_request

    @property
    def taint(self) -> Optional[Tuple[str, str]]:
        """``(source, evidence)`` when a tool result carried instructions aimed at the agent."""
        return self._native_session.taint

    @property
    def calls(self) -> List[Tuple[int, str, str]]:
        """The calls seen, most recent last: ``(number, function_name, level)``."""
        return self._native_session.calls

    def _with_id(self, ctx: ActionContext) -> ActionContext:
        if self.session_id is not None and ctx.session_id is None:
            return dataclasses.replace(ctx, session_id=self.session_id)
        return ctx

    async def evaluate(self, ctx: ActionContext, *, risk: Any = None, min_review_seconds: Optional[float] = None) -> ApprovalResult:
        return await super().evaluate(self._with_id(ctx), risk=risk, min_review_seconds=min_review_seconds)

    def evaluate_sync(self, ctx: ActionContext, *, risk: Any = None, min_review_seconds: Optional[float] = None) -> ApprovalResult:
        return super().evaluate_sync(self._with_id(ctx), risk=risk, min_review_seconds=min_review_seconds)

    def assess(self, ctx: ActionContext, *, risk: Any = None) -> RiskAssessment:
        """Scores an action in the session (recorded there) without asking anyone or writing
        to the audit log."""
        return super().assess(self._with_id(ctx), risk=risk)

    def session(self, session_id: Optional[str] = None, *, user_request: Optional[str] = None) -> "Session":
        raise TypeError("a Session cannot start another session; call session() on the Attesta instance")

    def gate(self, func: Optional[F] = None, **options: Any) -> Any:
        if self.session_id is not None:
            options.setdefault("session_id", self.session_id)
        return super().gate(func, **options)


def observe_result(owner: Any, result: Any, *, tool: Optional[str] = None) -> None:
    """Feeds a tool result to ``owner`` when it is a :class:`Session` (integrations call this)."""
    if isinstance(owner, Session):
        owner.observe_result(result, tool=tool)


_default_lock = threading.Lock()
_default: Optional[Attesta] = None


def default_attesta() -> Attesta:
    """The process-wide instance behind the module-level :func:`gate`.

    Uses ``$ATTESTA_CONFIG`` when set, else ``attesta.yaml`` (``.yml``, ``.json``, ``.toml``) in
    the current directory as the CLI does (two of them at once is an error), else built-in
    defaults.
    """
    global _default
    with _default_lock:
        if _default is None:
            path = os.environ.get("ATTESTA_CONFIG") or _native.discover_config(os.getcwd())
            _default = Attesta(path)
        return _default


_GATE_OPTIONS = {
    "risk",
    "risk_scorer",
    "risk_hints",
    "agent_id",
    "session_id",
    "environment",
    "min_review_seconds",
    "renderer",
    "challenge_map",
    "function_name",
    "function_doc",
    "metadata",
}


class _Gate:
    """One decorated function's settings; the pipeline is resolved on first call."""

    @staticmethod
    def check(options: Dict[str, Any]) -> None:
        """Fails at decoration time, not at the first call."""
        unknown = set(options) - _GATE_OPTIONS
        if unknown:
            raise TypeError(f"gate() got unexpected option(s): {', '.join(sorted(unknown))}")
        _risk_value(options.get("risk"))
        _check_min_review(options.get("min_review_seconds"))

    def __init__(self, owner: Callable[[], Attesta], options: Dict[str, Any]) -> None:
        self.check(options)
        self.owner = owner
        self.risk = _risk_value(options.get("risk"))
        self.min_review_seconds = _check_min_review(options.get("min_review_seconds"))
        self.hints = dict(options.get("risk_hints") or {})
        self.agent_id = options.get("agent_id")
        self.session_id = options.get("session_id")
        self.environment = options.get("environment")
        self.metadata = {"source": "python", **dict(options.get("metadata") or {})}
        self.function_name: str = options.get("function_name") or ""
        self.function_doc = options.get("function_doc")
        self.custom = {k: options.get(k) for k in ("risk_scorer", "renderer", "challenge_map") if options.get(k) is not None}
        for key in ("risk_scorer",):
            scorer = self.custom.get(key)
            if scorer is not None and not hasattr(scorer, "score"):
                raise TypeError(f"risk_scorer {scorer!r} needs a score(ctx) method and a name")
        self._pipeline: Any = None
        self._lock = threading.Lock()

    def pipeline(self) -> Any:
        pipeline = self._pipeline
        if pipeline is None:
            with self._lock:
                if self._pipeline is None:
                    base = self.owner()
                    if self.custom:
                        base = base.derive(**self.custom)
                    self._pipeline = base._pipeline
                pipeline = self._pipeline
        return pipeline

    def context(self, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> ActionContext:
        return ActionContext(
            function_name=self.function_name,
            args=args,
            kwargs=kwargs,
            function_doc=self.function_doc,
            hints=self.hints,
            agent_id=self.agent_id,
            session_id=self.session_id,
            environment=self.environment,
            metadata=self.metadata,
        )

    def wrap(self, func: F) -> F:
        if not self.function_name:
            self.function_name = getattr(func, "__name__", None) or type(func).__name__
        if self.function_doc is None:
            self.function_doc = inspect.getdoc(func)
        gate = self

        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                ctx = gate.context(args, kwargs)
                result = await _evaluate(gate.pipeline(), ctx, gate.risk, gate.min_review_seconds)
                args, kwargs = _arguments(result, args, kwargs)
                return await func(*args, **kwargs)

            async_wrapper.__attesta_gate__ = gate  # type: ignore[attr-defined]
            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            ctx = gate.context(args, kwargs)
            # No event loop is involved: this blocks the calling thread (GIL released) until a
            # decision, so it also works inside a running loop (Jupyter).
            result = gate.pipeline().evaluate_blocking(ctx, gate.risk, gate.min_review_seconds)
            args, kwargs = _arguments(result, args, kwargs)
            return func(*args, **kwargs)

        wrapper.__attesta_gate__ = gate  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]


def _arguments(result: ApprovalResult, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Tuple[Tuple[Any, ...], Dict[str, Any]]:
    """The arguments to run with: the originals, the reviewer's modification, or a denial."""
    if not result.allowed:
        raise AttestaDenied(result.denial_message, result)
    if result.verdict is Verdict.MODIFIED:
        modification = result.modification
        if not isinstance(modification, dict):
            raise AttestaDenied("Action denied: the reviewer's modification is not {\"args\": [...], \"kwargs\": {...}}", result)
        new_args = modification.get("args", list(args))
        new_kwargs = modification.get("kwargs", kwargs)
        if not isinstance(new_args, list) or not isinstance(new_kwargs, dict):
            raise AttestaDenied("Action denied: the reviewer's modification is not {\"args\": [...], \"kwargs\": {...}}", result)
        return tuple(new_args), dict(new_kwargs)
    return args, kwargs


def session(session_id: Optional[str] = None, *, user_request: Optional[str] = None) -> Session:
    """A :class:`Session` of :func:`default_attesta`."""
    return default_attesta().session(session_id, user_request=user_request)


def gate(func: Optional[F] = None, **options: Any) -> Any:
    """Decorator: the function runs only after Attesta approves the call.

    ``@gate``, ``@gate()``, ``@gate(risk="critical")``, ``@gate(risk_scorer=MyScorer())`` …
    See :meth:`Attesta.gate` for the options. Uses :func:`default_attesta`.
    """
    _Gate.check(options)
    if func is not None:
        return _Gate(default_attesta, options).wrap(func)
    return lambda f: _Gate(default_attesta, options).wrap(f)
