"""Attesta: human-in-the-loop approval for AI agent tool calls.

Every gated call is scored for risk, a human passes a challenge proportionate to that risk, and
the decision is written to a hash-chained audit log (the same log, format and configuration file
as the Rust library and the ``attesta`` command-line tool)::

    from attesta import gate

    @gate(risk="critical")
    def drop_database(name: str) -> str:
        ...
"""

from ._native import ApprovalResult, __version__
from ._types import (
    DEFAULT_CHALLENGE_MAP,
    ActionContext,
    AttestaDenied,
    ChallengeType,
    Prompter,
    Renderer,
    RiskAssessment,
    RiskFactor,
    RiskLevel,
    RiskScorer,
    Verdict,
)
from ._scorers import CompositeRiskScorer, DefaultRiskScorer, FixedRiskScorer, MaxRiskScorer
from ._core import Attesta, Session, default_attesta, gate, session

__all__ = [
    "ActionContext",
    "ApprovalResult",
    "Attesta",
    "AttestaDenied",
    "ChallengeType",
    "CompositeRiskScorer",
    "DEFAULT_CHALLENGE_MAP",
    "DefaultRiskScorer",
    "FixedRiskScorer",
    "MaxRiskScorer",
    "Prompter",
    "Renderer",
    "RiskAssessment",
    "RiskFactor",
    "RiskLevel",
    "RiskScorer",
    "Session",
    "Verdict",
    "__version__",
    "default_attesta",
    "gate",
    "session",
]
