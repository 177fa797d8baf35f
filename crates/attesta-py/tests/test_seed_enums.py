"""Every Python example of the enums page (seeds/004), run as written."""

import pytest

from attesta import DEFAULT_CHALLENGE_MAP, ChallengeType, RiskLevel, Verdict, gate


def test_from_score_examples():
    assert RiskLevel.from_score(0.15) is RiskLevel.LOW
    assert RiskLevel.from_score(0.45) is RiskLevel.MEDIUM
    assert RiskLevel.from_score(0.72) is RiskLevel.HIGH
    assert RiskLevel.from_score(0.91) is RiskLevel.CRITICAL


def test_from_score_boundaries():
    assert RiskLevel.from_score(0.0) is RiskLevel.LOW
    assert RiskLevel.from_score(0.3) is RiskLevel.MEDIUM
    assert RiskLevel.from_score(0.6) is RiskLevel.HIGH
    assert RiskLevel.from_score(0.8) is RiskLevel.CRITICAL
    assert RiskLevel.from_score(1.0) is RiskLevel.CRITICAL


@pytest.mark.parametrize("score, text", [(1.5, "1.5"), (-0.1, "-0.1")])
def test_from_score_out_of_range(score, text):
    with pytest.raises(ValueError) as info:
        RiskLevel.from_score(score)
    assert str(info.value) == f"Risk score must be in [0, 1], got {text}"


def test_from_score_nan_is_an_error():
    with pytest.raises(ValueError, match="Risk score must be in"):
        RiskLevel.from_score(float("nan"))


def test_python_and_rust_agree_on_levels():
    from attesta import _native

    for i in range(0, 1001):
        score = i / 1000
        assert RiskLevel.from_score(score).value == _native.level_from_score(score), score
    with pytest.raises(ValueError) as info:
        _native.level_from_score(1.5)
    assert str(info.value) == "Risk score must be in [0, 1], got 1.5"


def test_string_conversion():
    level = RiskLevel("high")
    verdict = Verdict("approved")
    challenge = ChallengeType("quiz")
    assert level is RiskLevel.HIGH and verdict is Verdict.APPROVED and challenge is ChallengeType.QUIZ
    assert level.value == "high"
    assert verdict.value == "approved"
    assert challenge.value == "quiz"


def test_invalid_value():
    with pytest.raises(ValueError) as info:
        RiskLevel("unknown")
    assert str(info.value) == "'unknown' is not a valid RiskLevel"


def test_members_and_values():
    assert [m.value for m in RiskLevel] == ["low", "medium", "high", "critical"]
    assert [m.value for m in Verdict] == ["approved", "denied", "modified", "timed_out", "escalated"]
    assert [m.value for m in ChallengeType] == ["auto_approve", "confirm", "quiz", "teach_back", "multi_party"]


def test_default_challenge_map():
    assert DEFAULT_CHALLENGE_MAP == {
        RiskLevel.LOW: ChallengeType.AUTO_APPROVE,
        RiskLevel.MEDIUM: ChallengeType.CONFIRM,
        RiskLevel.HIGH: ChallengeType.QUIZ,
        RiskLevel.CRITICAL: ChallengeType.MULTI_PARTY,
    }


def test_gate_risk_string_and_enum_both_work():
    # From the page: @gate(risk="high") and @gate(risk=RiskLevel.HIGH). Headless, HIGH is denied.
    from attesta import AttestaDenied

    @gate(risk="high")
    def dangerous_action():
        return "ran"

    @gate(risk=RiskLevel.HIGH)
    def dangerous_action_enum():
        return "ran"

    for fn in (dangerous_action, dangerous_action_enum):
        with pytest.raises(AttestaDenied) as info:
            fn()
        assert info.value.result.risk_level is RiskLevel.HIGH
        assert info.value.result.scorer == "override"


def test_gate_rejects_unknown_risk_string():
    with pytest.raises(ValueError, match="'extreme' is not a valid RiskLevel"):

        @gate(risk="extreme")
        def f():
            pass


def test_custom_challenge_map_example():
    # The page's per-gate challenge map: HIGH uses teach-back instead of quiz.
    from attesta import AttestaDenied

    @gate(
        risk="high",
        challenge_map={
            RiskLevel.LOW: ChallengeType.AUTO_APPROVE,
            RiskLevel.MEDIUM: ChallengeType.CONFIRM,
            RiskLevel.HIGH: ChallengeType.TEACH_BACK,
            RiskLevel.CRITICAL: ChallengeType.MULTI_PARTY,
        },
    )
    def sensitive_action():
        pass

    with pytest.raises(AttestaDenied) as info:
        sensitive_action()
    assert info.value.result.challenge_type is ChallengeType.TEACH_BACK


async def test_checking_verdicts_example(write_config, capsys):
    # "Checking Verdicts", as written: Attesta.from_config + await evaluate + match on the verdict.
    from attesta import ActionContext, Attesta

    write_config("policy:\n  fail_mode: deny\n  timeout_seconds: 300\n")
    attesta = Attesta.from_config("attesta.yaml")
    ctx = ActionContext(function_name="deploy", args=("api",))
    result = await attesta.evaluate(ctx)
    match result.verdict:
        case Verdict.APPROVED:
            print("Proceeding with action")
        case Verdict.DENIED:
            print("Action was denied")
        case Verdict.MODIFIED:
            print(f"Action modified: {result.modification}")
        case Verdict.TIMED_OUT:
            print("Review timed out")
        case Verdict.ESCALATED:
            print("Action escalated -- awaiting resolution")
    # Without a reviewer, anything above LOW is denied (fail closed).
    expected = "Proceeding with action" if result.risk_level is RiskLevel.LOW else "Action was denied"
    assert capsys.readouterr().out == expected + "\n"
    assert result.audit_entry_id


def test_stacked_risk_decorators_from_the_page():
    # The page stacks both spellings on one function; each gate evaluates (outer first).
    from attesta import AttestaDenied

    @gate(risk="high")  # String value
    @gate(risk=RiskLevel.HIGH)  # Enum value -- both work
    def dangerous_action():
        pass

    with pytest.raises(AttestaDenied) as info:
        dangerous_action()
    assert info.value.result.risk_level is RiskLevel.HIGH


def test_modified_is_only_produced_by_custom_renderers():
    # "The MODIFIED verdict is currently only produced by custom renderers that return it from
    # render_approval()": a renderer returning MODIFIED makes the gate run the modified call.
    from attesta import Attesta

    class Narrowing:
        def render_approval(self, ctx, risk):
            return Verdict.MODIFIED, {"kwargs": {"scope": "team"}}

    attesta = Attesta({"policy": {"minimum_review_seconds": {"high": 0}}}, renderer=Narrowing(), audit=False)

    @attesta.gate(risk="high")
    def share_document(scope="everyone"):
        return scope

    assert share_document(scope="everyone") == "team"
