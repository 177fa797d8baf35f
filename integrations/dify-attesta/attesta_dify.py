"""What the Attesta provider and tool share: credentials, the pipelines, evaluation, the output.

Every decision goes through the real Attesta pipeline (scoring, challenge, reviewer, audit log).
The provider's risk threshold acts through the challenge map of two sibling pipelines that share
one audit log:

- at or below the threshold (and not critical): every non-critical level maps to
  ``auto_approve``, so the pipeline approves and records it;
- above the threshold, or critical: the action is flagged. LOW maps to ``confirm`` and the other
  levels keep their challenges, so a human must pass one — in the approval server's web inbox when
  one is connected; without one the reviewer denies and says how to connect one.

Escalation rules of the scorer still apply on both paths (they only ever make a review stricter).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import json
import math
import os
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from attesta import ActionContext, ApprovalResult, Attesta, ChallengeType, RiskLevel, Verdict

DEFAULT_THRESHOLD = 0.5
#: How long the tool waits for a decision when it is called inside a running event loop.
EVALUATION_TIMEOUT_SECONDS = 30.0
#: Where decisions are recorded (relative paths are relative to the plugin's working directory).
AUDIT_PATH_ENV = "ATTESTA_AUDIT_PATH"
DEFAULT_AUDIT_PATH = ".attesta/audit.jsonl"

RISK_LEVEL_CHOICES: Dict[str, Optional[RiskLevel]] = {
    "auto": None,
    "low": RiskLevel.LOW,
    "medium": RiskLevel.MEDIUM,
    "high": RiskLevel.HIGH,
    "critical": RiskLevel.CRITICAL,
}
DENIED_VERDICTS = frozenset({Verdict.DENIED, Verdict.TIMED_OUT, Verdict.ESCALATED})
_VERDICT_WORDS = {
    Verdict.APPROVED: "approved",
    Verdict.DENIED: "denied",
    Verdict.MODIFIED: "modified",
    Verdict.TIMED_OUT: "timed out",
    Verdict.ESCALATED: "escalated",
}
CONNECT_HINT = (
    "connect an approval server: run `attesta serve`, create a token with "
    "`attesta serve add-agent NAME`, and set Approval Server URL and Agent Token under "
    "Tools > Attesta > Authorize"
)


class CredentialError(ValueError):
    """A provider credential is missing, malformed or refused; the message says what to fix."""


@dataclass(frozen=True, repr=False)
class Settings:
    """The provider credentials, checked."""

    threshold: float = DEFAULT_THRESHOLD
    server_url: Optional[str] = None
    agent_token: Optional[str] = None

    def __repr__(self) -> str:  # the token must not end up in logs
        token = None if self.agent_token is None else "***"
        return f"Settings(threshold={self.threshold!r}, server_url={self.server_url!r}, agent_token={token})"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_threshold(value: Any) -> float:
    """The risk threshold: a number in [0, 1]; blank means the default 0.5."""
    if _blank(value):
        return DEFAULT_THRESHOLD
    if isinstance(value, bool):
        raise CredentialError(f"Risk Threshold must be a number between 0 and 1, got {value!r}")
    try:
        threshold = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise CredentialError(f"Risk Threshold must be a number between 0 and 1, got {value!r}") from None
    if not math.isfinite(threshold) or not 0.0 <= threshold <= 1.0:
        raise CredentialError(f"Risk Threshold must be between 0 and 1, got {value!r}")
    return threshold


def parse_server_url(value: Any) -> Optional[str]:
    if _blank(value):
        return None
    if not isinstance(value, str):
        raise CredentialError(f"Approval Server URL must be text, got {value!r}")
    url = value.strip().rstrip("/")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CredentialError(f"Approval Server URL must be an http(s) URL such as https://approvals.example.com, got {value!r}")
    if parts.query or parts.fragment:
        raise CredentialError(f"Approval Server URL must not have a query or fragment, got {value!r}")
    return url


def parse_settings(credentials: Optional[Mapping[str, Any]]) -> Settings:
    """Checks the provider credentials (format only; :func:`check_server` talks to the server)."""
    credentials = credentials or {}
    threshold = parse_threshold(credentials.get("risk_threshold"))
    url = parse_server_url(credentials.get("approval_server_url"))
    token = credentials.get("agent_token")
    token = None if _blank(token) else str(token).strip()
    if url and not token:
        raise CredentialError(
            "Agent Token is required with an Approval Server URL: create one with `attesta serve add-agent NAME`"
        )
    if token and not url:
        raise CredentialError("Agent Token needs an Approval Server URL to send flagged actions to")
    return Settings(threshold=threshold, server_url=url, agent_token=token)


def check_server(settings: Settings, timeout: float = 5.0) -> None:
    """Asks the approval server who the token belongs to; it must be an agent token."""
    if settings.server_url is None:
        return
    request = urllib.request.Request(
        f"{settings.server_url}/v1/me",
        headers={"Authorization": f"Bearer {settings.agent_token}", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) checked above)
            body = json.loads(response.read().decode("utf-8") or "{}")
    except urllib.error.HTTPError as error:
        if error.code in (401, 403):
            raise CredentialError(
                f"the approval server at {settings.server_url} refused the Agent Token (HTTP {error.code}); "
                "create one with `attesta serve add-agent NAME`"
            ) from None
        raise CredentialError(f"the approval server at {settings.server_url} answered HTTP {error.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise CredentialError(f"the approval server at {settings.server_url} is unreachable: {reason}") from None
    if not isinstance(body, dict) or body.get("role") != "agent":
        role = body.get("role") if isinstance(body, dict) else None
        raise CredentialError(
            f"the Agent Token must be an agent token (attesta serve add-agent NAME), "
            f"but the approval server says it belongs to a {role or 'unknown'} identity"
        )


class _DenyWithoutServer:
    """Reviewer for flagged actions when no approval server is connected: denies, saying how to
    connect one. The denial is decided and recorded by the pipeline like any other."""

    def render_approval(self, ctx: Any, risk: Any) -> Dict[str, Any]:
        return {"verdict": "denied", "reason": f"this action needs human review; {CONNECT_HINT}"}


class _Pipelines:
    """The two sibling pipelines of one credential set."""

    def __init__(self, settings: Settings) -> None:
        config: Dict[str, Any] = {"trust": {"enabled": False}}
        renderer = None
        token_env = None
        if settings.server_url is not None:
            # The server reviewer reads its token from the environment variable the config
            # names, once, when the pipeline is built. The variable is set only for that moment
            # (under _ENV_LOCK) and removed again, so the token stays in memory only.
            token_env = "ATTESTA_DIFY_AGENT_TOKEN_" + hashlib.sha256(settings.agent_token.encode()).hexdigest()[:16].upper()
            config["reviewer"] = "server"
            config["server"] = {"url": settings.server_url, "agent_token_env": token_env}
        else:
            renderer = _DenyWithoutServer()
        audit_path = os.environ.get(AUDIT_PATH_ENV) or DEFAULT_AUDIT_PATH
        with _ENV_LOCK:
            if token_env is not None:
                os.environ[token_env] = settings.agent_token  # type: ignore[assignment]
            try:
                base = Attesta(config, renderer=renderer, audit_path=audit_path, trust=False)
                self.base = base
                self.within = base.derive(
                    challenge_map={
                        RiskLevel.LOW: ChallengeType.AUTO_APPROVE,
                        RiskLevel.MEDIUM: ChallengeType.AUTO_APPROVE,
                        RiskLevel.HIGH: ChallengeType.AUTO_APPROVE,
                    }
                )
                self.flagged = base.derive(challenge_map={RiskLevel.LOW: ChallengeType.CONFIRM})
            finally:
                if token_env is not None:
                    os.environ.pop(token_env, None)


_ENV_LOCK = threading.Lock()
_CACHE_LOCK = threading.Lock()
_CACHE: "OrderedDict[Tuple[float, Optional[str], Optional[str], str], _Pipelines]" = OrderedDict()
#: Credential sets kept built (one per workspace that uses the plugin, typically a handful).
_CACHE_SIZE = 32


def pipelines(settings: Settings) -> _Pipelines:
    """One set of pipelines per credentials (and audit path), built on first use."""
    key = (settings.threshold, settings.server_url, settings.agent_token, os.environ.get(AUDIT_PATH_ENV) or DEFAULT_AUDIT_PATH)
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is None:
            found = _Pipelines(settings)
            _CACHE[key] = found
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
        else:
            _CACHE.move_to_end(key)
        return found


def parse_action_args(value: Any) -> Dict[str, Any]:
    """Arguments as the tool receives them: a dict from a workflow node is used as is, a string is
    parsed as JSON, and anything that is not a JSON object becomes ``{"raw_input": value}``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return {}
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return {"raw_input": value}
        if isinstance(parsed, dict):
            return parsed
    return {"raw_input": value}


def parse_risk_level(value: Any) -> Optional[RiskLevel]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    key = str(value.value if isinstance(value, RiskLevel) else value).strip().lower()
    if key not in RISK_LEVEL_CHOICES:
        raise ValueError(f"risk_level must be one of {', '.join(RISK_LEVEL_CHOICES)}, got {value!r}")
    return RISK_LEVEL_CHOICES[key]


def build_context(function_name: str, kwargs: Dict[str, Any], threshold: float, source: str = "dify") -> ActionContext:
    return ActionContext(
        function_name=function_name,
        kwargs=kwargs,
        hints={"threshold": threshold},
        environment="production",
        metadata={"source": source},
    )


@dataclass(frozen=True)
class Outcome:
    result: ApprovalResult
    flagged: bool
    #: Set when the fail-closed guard overrode the pipeline's verdict in the output.
    guard: Optional[str] = None


async def evaluate(settings: Settings, ctx: ActionContext, risk: Optional[RiskLevel]) -> Outcome:
    """Scores the action, picks the pipeline by the threshold, and runs it to a decision."""
    found = pipelines(settings)
    assessment = found.base.assess(ctx, risk=risk)
    flagged = assessment.level is RiskLevel.CRITICAL or assessment.score > settings.threshold
    pipeline = found.flagged if flagged else found.within
    result = await pipeline.evaluate(ctx, risk=risk)
    guard = None
    # Scoring is deterministic here (no trust store, fixed environment), so this cannot differ;
    # if it ever did, the output fails closed rather than report an unreviewed risky approval.
    if not flagged and (result.risk_level is RiskLevel.CRITICAL or result.risk_score > settings.threshold):
        guard = (
            f"the score changed between assessment ({assessment.score:.2f}) and evaluation "
            f"({result.risk_score:.2f}); treated as denied"
        )
    return Outcome(result=result, flagged=flagged, guard=guard)


def _helper_executor() -> concurrent.futures.Executor:
    """A one-thread executor on a real OS thread whose futures the caller can wait on.

    The Dify SDK monkey-patches threading with gevent: there a plain "thread" is a greenlet on the
    caller's OS thread (it would see the caller's running loop), and a plain Future set from
    another OS thread does not wake a waiting greenlet. gevent's executor runs native threads and
    returns futures that greenlets can wait on.
    """
    try:
        from gevent import monkey
    except ImportError:
        monkey = None
    if monkey is not None and monkey.is_module_patched("threading"):
        from gevent.threadpool import ThreadPoolExecutor as GeventExecutor

        return GeventExecutor(max_workers=1)
    return concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="attesta-dify")


class EvaluationTimeout(TimeoutError):
    """No decision within :data:`EVALUATION_TIMEOUT_SECONDS` inside a running event loop."""


def run_evaluation(
    coroutine_factory: Callable[[], Any], *, timeout: Optional[float] = None, describe: str = "the action"
) -> Any:
    """Runs an async evaluation from synchronous code.

    No running loop: ``asyncio.run``. A running loop on this thread cannot be blocked on, so the
    evaluation runs on a helper thread with its own loop and this thread waits for it through a
    ``concurrent.futures.Future`` for at most ``timeout`` (default 30) seconds; on timeout the
    evaluation is cancelled and :class:`EvaluationTimeout` is raised (fail closed).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine_factory())

    wait = EVALUATION_TIMEOUT_SECONDS if timeout is None else timeout
    state: Dict[str, Any] = {}

    def helper() -> Any:
        loop = asyncio.new_event_loop()
        try:
            task = loop.create_task(coroutine_factory())
            # Published before the abandoned check (and read after setting it by the waiter), so
            # one of the two always cancels the task.
            state.update(loop=loop, task=task)
            if state.get("abandoned"):
                task.cancel()
            result = loop.run_until_complete(task)
            loop.run_until_complete(loop.shutdown_asyncgens())
            return result
        finally:
            loop.close()

    executor = _helper_executor()
    try:
        future = executor.submit(helper)
        try:
            return future.result(timeout=wait)
        except concurrent.futures.TimeoutError:
            state["abandoned"] = True
            loop, task = state.get("loop"), state.get("task")
            if not future.cancel() and loop is not None and task is not None:
                try:
                    loop.call_soon_threadsafe(task.cancel)
                except RuntimeError:
                    pass  # the helper's loop already closed
            raise EvaluationTimeout(
                f"Attesta did not decide on {describe} within {wait:g} seconds (the tool was called "
                "inside a running event loop); the action is not approved"
            ) from None
    finally:
        executor.shutdown(wait=False)


def to_output(function_name: str, outcome: Outcome) -> Dict[str, Any]:
    """The tool's JSON message."""
    result = outcome.result
    verdict = result.verdict
    level = result.risk_level.value
    score = float(result.risk_score)
    denied = verdict in DENIED_VERDICTS or outcome.guard is not None
    shown = Verdict.DENIED if outcome.guard is not None else verdict
    message = f"Action '{function_name}' was {_VERDICT_WORDS[shown]} (risk: {level}, score: {score:.2f})"
    reason = outcome.guard or (result.reason if denied else "")
    if reason:
        message += f": {reason}"
    output: Dict[str, Any] = {
        "verdict": shown.value,
        "risk_score": round(score, 4),
        "risk_level": level,
        "denied": denied,
        "audit_entry_id": result.audit_entry_id,
        "function_name": function_name,
        "message": message,
    }
    if shown is Verdict.MODIFIED:
        output["modification"] = result.modification
    return output
