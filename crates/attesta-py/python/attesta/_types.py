"""Core types: the three enums, ``ActionContext``, risk assessments and ``AttestaDenied``.

The enums are ``str``-valued :class:`enum.Enum` classes so they compare, print and serialise the
way the rest of Attesta (config files, the audit log, the JSON wire format) spells them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Protocol, Tuple, runtime_checkable

if TYPE_CHECKING:  # pragma: no cover
    from ._native import ApprovalResult

__all__ = [
    "RiskLevel",
    "Verdict",
    "ChallengeType",
    "ActionContext",
    "RiskFactor",
    "RiskAssessment",
    "AttestaDenied",
    "RiskScorer",
    "Renderer",
    "Prompter",
    "DEFAULT_CHALLENGE_MAP",
]


class RiskLevel(str, Enum):
    """Discrete risk classification derived from a continuous 0-1 score."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @classmethod
    def from_score(cls, score: float) -> "RiskLevel":
        """Maps a score to a level: [0,0.3) low, [0.3,0.6) medium, [0.6,0.8) high, [0.8,1] critical.

        Raises ``ValueError`` (``Risk score must be in [0, 1], got 1.5``) outside [0, 1].
        """
        if isinstance(score, bool) or not isinstance(score, (int, float)):
            raise TypeError(f"Risk score must be a number, got {type(score).__name__}")
        # Same rule and message as the Rust core, without a native call on this hot path.
        if not (0.0 <= score <= 1.0):
            raise ValueError(f"Risk score must be in [0, 1], got {score}")
        if score < 0.3:
            return cls.LOW
        if score < 0.6:
            return cls.MEDIUM
        if score < 0.8:
            return cls.HIGH
        return cls.CRITICAL

    def __str__(self) -> str:
        return self.value


class Verdict(str, Enum):
    """The outcome of a review. Only APPROVED and MODIFIED let the function run."""

    APPROVED = "approved"
    DENIED = "denied"
    MODIFIED = "modified"
    TIMED_OUT = "timed_out"
    ESCALATED = "escalated"

    @property
    def runs(self) -> bool:
        return self in (Verdict.APPROVED, Verdict.MODIFIED)

    def __str__(self) -> str:
        return self.value


class ChallengeType(str, Enum):
    """The kind of verification a human must pass."""

    AUTO_APPROVE = "auto_approve"
    CONFIRM = "confirm"
    QUIZ = "quiz"
    TEACH_BACK = "teach_back"
    MULTI_PARTY = "multi_party"

    def __str__(self) -> str:
        return self.value


DEFAULT_CHALLENGE_MAP: Dict[RiskLevel, ChallengeType] = {
    RiskLevel.LOW: ChallengeType.AUTO_APPROVE,
    RiskLevel.MEDIUM: ChallengeType.CONFIRM,
    RiskLevel.HIGH: ChallengeType.QUIZ,
    RiskLevel.CRITICAL: ChallengeType.MULTI_PARTY,
}


@dataclass
class ActionContext:
    """One intercepted call: what an agent is about to do.

    Its JSON form (:meth:`to_dict`) is the wire format used everywhere (CLI, server, plugins).
    Only ``function_name`` is required.
    """

    function_name: str
    args: Tuple[Any, ...] = ()
    kwargs: Dict[str, Any] = field(default_factory=dict)
    function_doc: Optional[str] = None
    hints: Dict[str, Any] = field(default_factory=dict)
    agent_id: Optional[str] = None
    session_id: Optional[str] = None
    environment: Optional[str] = None
    metadata: Dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.function_name, str) or not self.function_name:
            raise ValueError("ActionContext.function_name must be a non-empty str")
        if not isinstance(self.args, tuple):
            self.args = tuple(self.args)

    def to_dict(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {
            "function_name": self.function_name,
            "args": list(self.args),
            "kwargs": dict(self.kwargs),
            "hints": dict(self.hints),
            "metadata": dict(self.metadata),
        }
        for key in ("function_doc", "agent_id", "session_id", "environment"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), default=str)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ActionContext":
        known = {"function_name", "args", "kwargs", "function_doc", "hints", "agent_id", "session_id", "environment", "metadata"}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown ActionContext field(s): {', '.join(sorted(unknown))}")
        values = dict(data)
        values["args"] = tuple(values.get("args") or ())
        for key in ("kwargs", "hints", "metadata"):
            values[key] = dict(values.get(key) or {})
        return cls(**values)


@dataclass(frozen=True)
class RiskFactor:
    """One contribution to a risk score, with evidence a human can check."""

    name: str
    score: float
    weight: float = 1.0
    contribution: float = 0.0
    evidence: str = ""


@dataclass(frozen=True)
class RiskAssessment:
    """A score, its level, the factors that explain it and the scorer that produced it."""

    score: float
    level: RiskLevel
    factors: List[RiskFactor] = field(default_factory=list)
    scorer: str = ""
    overridden: bool = False

    @classmethod
    def _from_dict(cls, data: Mapping[str, Any]) -> "RiskAssessment":
        factors = [
            RiskFactor(
                name=f.get("name", ""),
                score=float(f.get("score", 0.0)),
                weight=float(f.get("weight", 1.0)),
                contribution=float(f.get("contribution", 0.0)),
                evidence=f.get("evidence", ""),
            )
            for f in data.get("factors", [])
        ]
        return cls(
            score=float(data["score"]),
            level=RiskLevel(data["level"]),
            factors=factors,
            scorer=data.get("scorer", ""),
            overridden=bool(data.get("overridden", False)),
        )


class AttestaDenied(Exception):
    """A gated function was not allowed to run. ``result`` holds the full ``ApprovalResult``."""

    def __init__(self, message: str, result: "Optional[ApprovalResult]" = None) -> None:
        super().__init__(message)
        self.message = message
        self.result = result

    @property
    def verdict(self) -> Optional[Verdict]:
        return None if self.result is None else self.result.verdict


@runtime_checkable
class RiskScorer(Protocol):
    """Anything with a ``name`` and ``score(ctx) -> float`` (in [0, 1]) is a risk scorer."""

    @property
    def name(self) -> str: ...

    def score(self, ctx: ActionContext) -> float: ...


@runtime_checkable
class Renderer(Protocol):
    """A custom approval channel (Slack bot, ticket queue …).

    ``render_approval`` may be a plain or an ``async`` method. It returns a :class:`Verdict`, a
    ``(Verdict, modification)`` pair, or a dict/object with ``verdict`` and optionally
    ``modification`` (``{"args": [...], "kwargs": {...}}``), ``approvers`` and ``reason``.
    An approval that comes back before the level's minimum review time is denied.
    """

    def render_approval(self, ctx: ActionContext, risk: RiskAssessment) -> Any: ...


@runtime_checkable
class Prompter(Protocol):
    """A text channel that lets Attesta run its own challenges (quiz, teach-back, multi-party).

    Attesta checks the answers; the channel only shows text and returns what the human typed.
    ``ask_line`` returns ``None`` when the human closed the conversation (denied).
    Optional: ``notice(kind, text)``, ``ask_identity(slot)``, ``authenticated`` and ``operator``.
    """

    def present(self, text: str, challenge: Dict[str, Any], slot: Optional[Dict[str, int]]) -> None: ...

    def ask_line(
        self, prompt: str, question: Optional[str] = None, unlocks_in: float = 0.0, deadline: Optional[float] = None
    ) -> Optional[str]: ...
