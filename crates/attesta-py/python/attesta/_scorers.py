"""Built-in scorers. They run natively in the pipeline; ``score(ctx)`` also works from Python."""

from __future__ import annotations

from typing import Any, Iterable, List, Sequence, Tuple, Union

from . import _native
from ._types import ActionContext

__all__ = ["DefaultRiskScorer", "CompositeRiskScorer", "MaxRiskScorer", "FixedRiskScorer"]


class DefaultRiskScorer:
    """The built-in heuristic: function name, arguments, docstring, hints and novelty."""

    _attesta_kind = "default"

    @property
    def name(self) -> str:
        return "default"

    def score(self, ctx: ActionContext) -> float:
        return _native.default_score(ctx)

    def __repr__(self) -> str:
        return "DefaultRiskScorer()"


class FixedRiskScorer:
    """Always the same score (tools whose risk is known up front, tests)."""

    _attesta_kind = "fixed"

    def __init__(self, score: float) -> None:
        if isinstance(score, bool) or not isinstance(score, (int, float)) or not (0.0 <= score <= 1.0):
            raise ValueError(f"fixed risk score must be a finite number in [0, 1], got {score!r}")
        self.fixed_score = float(score)

    @property
    def name(self) -> str:
        return "fixed"

    def score(self, ctx: ActionContext) -> float:
        return self.fixed_score

    def __repr__(self) -> str:
        return f"FixedRiskScorer({self.fixed_score})"


WeightedScorer = Union[Any, Tuple[Any, float]]


class CompositeRiskScorer:
    """Weighted average of several scorers.

    ``CompositeRiskScorer([a, b])`` weighs them equally; ``CompositeRiskScorer([(a, 2.0), (b, 1.0)])``
    or ``CompositeRiskScorer([a, b], weights=[2.0, 1.0])`` gives explicit weights.
    """

    _attesta_kind = "composite"

    def __init__(self, scorers: Sequence[WeightedScorer], weights: "Sequence[float] | None" = None) -> None:
        pairs: List[Tuple[Any, float]] = []
        items = list(scorers)
        if weights is not None:
            if len(weights) != len(items):
                raise ValueError("CompositeRiskScorer: give one weight per scorer")
            pairs = [(s, float(w)) for s, w in zip(items, weights)]
        else:
            for item in items:
                if isinstance(item, tuple) and len(item) == 2:
                    pairs.append((item[0], float(item[1])))
                else:
                    pairs.append((item, 1.0))
        if not pairs:
            raise ValueError("CompositeRiskScorer needs at least one scorer")
        for scorer, weight in pairs:
            if not hasattr(scorer, "score"):
                raise TypeError(f"{scorer!r} is not a risk scorer (it needs score(ctx) and name)")
            if not weight > 0 or weight == float("inf"):
                raise ValueError(f"composite weights must be finite and greater than 0, got {weight}")
        self.scorers: List[Tuple[Any, float]] = pairs

    @property
    def name(self) -> str:
        return "composite(" + ",".join(str(getattr(s, "name", type(s).__name__)) for s, _ in self.scorers) + ")"

    def score(self, ctx: ActionContext) -> float:
        return _native.tree_score(ctx, self)

    def __repr__(self) -> str:
        return f"CompositeRiskScorer({self.scorers!r})"


class MaxRiskScorer:
    """The most conservative of several scorers: the highest score wins."""

    _attesta_kind = "max"

    def __init__(self, scorers: Iterable[Any]) -> None:
        self.scorers: List[Any] = list(scorers)
        if not self.scorers:
            raise ValueError("MaxRiskScorer needs at least one scorer")
        for scorer in self.scorers:
            if not hasattr(scorer, "score"):
                raise TypeError(f"{scorer!r} is not a risk scorer (it needs score(ctx) and name)")

    @property
    def name(self) -> str:
        return "max(" + ",".join(str(getattr(s, "name", type(s).__name__)) for s in self.scorers) + ")"

    def score(self, ctx: ActionContext) -> float:
        return _native.tree_score(ctx, self)

    def __repr__(self) -> str:
        return f"MaxRiskScorer({self.scorers!r})"
