"""Python objects inside the Rust pipeline: scorers (alone, composite, max) and reviewers
(approval renderers and prompters that run Attesta's real challenges)."""

import json
import time

import pytest

from attesta import (
    ActionContext,
    Attesta,
    AttestaDenied,
    ChallengeType,
    CompositeRiskScorer,
    DefaultRiskScorer,
    FixedRiskScorer,
    MaxRiskScorer,
    RiskLevel,
    Verdict,
    gate,
)

from conftest import FAST_POLICY


class Const:
    def __init__(self, value, name="const"):
        self.value = value
        self._name = name

    @property
    def name(self):
        return self._name

    def score(self, ctx):
        return self.value


class Broken:
    name = "broken"

    def score(self, ctx):
        raise ValueError("model server unreachable")


# ---- scorers ------------------------------------------------------------------------------------


def test_python_scorer_decides_the_level():
    attesta = Attesta(risk_scorer=Const(0.65), audit=False)
    assessment = attesta.assess(ActionContext("anything"))
    assert assessment.level is RiskLevel.HIGH
    assert assessment.score == pytest.approx(0.65)
    assert assessment.scorer == "const"


def test_composite_of_python_and_native_scorers():
    composite = CompositeRiskScorer([(Const(1.0, "strict"), 1.0), (FixedRiskScorer(0.0), 3.0)])
    assert composite.score(ActionContext("x")) == pytest.approx(0.25)
    attesta = Attesta(risk_scorer=composite, audit=False)
    a = attesta.assess(ActionContext("x"))
    assert a.score == pytest.approx(0.25)
    assert a.scorer == "composite(strict,fixed)"
    assert {f.name for f in a.factors} == {"scorer:strict", "scorer:fixed"}


def test_max_scorer_is_most_conservative():
    scorer = MaxRiskScorer([Const(0.1, "lenient"), Const(0.85, "strict"), DefaultRiskScorer()])
    attesta = Attesta(risk_scorer=scorer, audit=False)
    a = attesta.assess(ActionContext("read_file", kwargs={"path": "notes.txt"}))
    assert a.score == pytest.approx(0.85)
    assert a.level is RiskLevel.CRITICAL


def test_default_scorer_from_python():
    scorer = DefaultRiskScorer()
    assert scorer.score(ActionContext("read_file", kwargs={"path": "notes.txt"})) < scorer.score(
        ActionContext("delete_file", kwargs={"path": "/etc/passwd"})
    )


def test_a_failing_python_scorer_denies():
    ran = []

    @gate(risk_scorer=Broken())
    def read_file(path):
        ran.append(path)

    with pytest.raises(AttestaDenied) as info:
        read_file("notes.txt")
    assert ran == []
    assert "risk scoring failed" in str(info.value)
    assert "ValueError: model server unreachable" in str(info.value)


def test_a_failing_scorer_inside_a_composite_denies():
    attesta = Attesta(risk_scorer=CompositeRiskScorer([Const(0.0), Broken()]), audit=False)
    result = attesta.evaluate_sync(ActionContext("read_file"))
    assert result.verdict is Verdict.DENIED
    assert "risk scoring failed" in result.reason


@pytest.mark.parametrize("bad", [1.5, -0.2, float("nan"), "high", None, True])
def test_out_of_range_or_wrong_type_scores_deny(bad):
    attesta = Attesta(risk_scorer=Const(bad, "bad"), audit=False)
    result = attesta.evaluate_sync(ActionContext("read_file"))
    assert result.verdict is Verdict.DENIED
    assert "return a float in [0, 1]" in result.reason


def test_scorer_may_return_factors():
    class Explained:
        name = "explained"

        def score(self, ctx):
            return {"score": 0.4, "factors": [{"name": "pii", "score": 0.4, "evidence": "email address in body"}]}

    a = Attesta(risk_scorer=Explained(), audit=False).assess(ActionContext("send_email"))
    assert a.level is RiskLevel.MEDIUM
    assert a.factors[0].evidence == "email address in body"


def test_overrides_bypass_python_scorers():
    calls = []

    class Counting(Const):
        def score(self, ctx):
            calls.append(ctx)
            return 0.0

    attesta = Attesta(risk_scorer=Counting(0.0), audit=False)
    assert attesta.assess(ActionContext("x"), risk="critical").level is RiskLevel.CRITICAL
    assert calls == []


def test_not_a_scorer_is_rejected_early():
    with pytest.raises(TypeError, match="score"):
        Attesta(risk_scorer=object())
    with pytest.raises(ValueError, match="weights must be finite"):
        CompositeRiskScorer([(Const(0.1), 0.0)])


# ---- approval renderers -------------------------------------------------------------------------


def test_multi_party_needs_distinct_approvers():
    class SameTwice:
        def render_approval(self, ctx, risk):
            return {"verdict": "approved", "approvers": ["alice", "Alice "]}

    attesta = Attesta(FAST_POLICY, renderer=SameTwice(), audit=False)
    result = attesta.evaluate_sync(ActionContext("drop_database"), risk="critical")
    assert result.verdict is Verdict.DENIED
    assert "2 distinct approvers" in result.reason

    class TwoPeople:
        def render_approval(self, ctx, risk):
            return {"verdict": "approved", "approvers": ["alice", "bob"]}

    attesta = Attesta(FAST_POLICY, renderer=TwoPeople(), audit_path="audit.jsonl")
    result = attesta.evaluate_sync(ActionContext("drop_database"), risk="critical")
    assert result.verdict is Verdict.APPROVED
    assert result.approvers == ["alice", "bob"]
    entry = json.loads(open("audit.jsonl").read())
    assert entry["approver_ids"] == ["alice", "bob"]
    assert entry["approver_authenticated"] is False


def test_a_raising_renderer_denies():
    class Exploding:
        def render_approval(self, ctx, risk):
            raise RuntimeError("slack is down")

    result = Attesta(FAST_POLICY, renderer=Exploding(), audit=False).evaluate_sync(ActionContext("deploy"), risk="high")
    assert result.verdict is Verdict.DENIED
    assert "RuntimeError: slack is down" in result.reason


def test_a_nonsense_answer_denies():
    class Nonsense:
        def render_approval(self, ctx, risk):
            return 42

    result = Attesta(FAST_POLICY, renderer=Nonsense(), audit=False).evaluate_sync(ActionContext("deploy"), risk="high")
    assert result.verdict is Verdict.DENIED


def test_renderer_receives_context_and_assessment():
    seen = {}

    class Inspecting:
        def render_approval(self, ctx, risk):
            seen["ctx"], seen["risk"] = ctx, risk
            return Verdict.DENIED

    attesta = Attesta(FAST_POLICY, renderer=Inspecting(), audit=False)
    attesta.evaluate_sync(ActionContext("transfer_funds", kwargs={"amount": 5000, "to": "DE89"}, agent_id="bot"), risk="high")
    assert isinstance(seen["ctx"], ActionContext)
    assert seen["ctx"].kwargs == {"amount": 5000, "to": "DE89"}
    assert seen["ctx"].agent_id == "bot"
    assert seen["risk"].level is RiskLevel.HIGH


def test_object_without_a_protocol_is_rejected():
    with pytest.raises(TypeError, match="render_approval"):
        Attesta(renderer=object())


# ---- prompters: Attesta's own challenges over a Python channel ---------------------------------


class ChatPrompter:
    """A chat-bot channel: shows what Attesta sends and answers with scripted lines."""

    def __init__(self, answers, identities=()):
        self.answers = list(answers)
        self.identities = list(identities)
        self.shown = []
        self.notices = []

    def present(self, text, challenge, slot):
        self.shown.append((text, challenge, slot))

    def notice(self, kind, text):
        self.notices.append((kind, text))

    def ask_line(self, prompt, question=None, unlocks_in=0.0, deadline=None):
        if question:
            self.shown.append((question, None, None))
        answer = self.answers.pop(0)
        return answer(question) if callable(answer) else answer

    def ask_identity(self, slot):
        return self.identities.pop(0)


DELETE = ActionContext("delete_file", kwargs={"path": "/var/data/report.csv"})


def knows_the_action(question):
    """A human who read the action: answers with the real values."""
    q = (question or "").lower()
    if "what happens" in q:
        return "Files or other resources are deleted"
    if "operation" in q:
        return "delete_file"
    if "file" in q:
        return "report.csv"
    if "folder" in q:
        return "/var/data"
    raise AssertionError(f"a question this reader cannot answer: {question!r}")


def test_quiz_answered_correctly_passes():
    prompter = ChatPrompter([knows_the_action] * 8)
    result = Attesta(FAST_POLICY, renderer=prompter, audit=False).evaluate_sync(DELETE, risk="high")
    assert result.verdict is Verdict.APPROVED, result.reason
    assert result.challenge_type is ChallengeType.QUIZ
    assert result.challenge_result["questions_correct"] == result.challenge_result["questions_asked"] >= 1
    assert "Challenge:   quiz" in prompter.shown[0][0]


def test_quiz_answered_wrongly_is_denied_without_revealing_answers():
    prompter = ChatPrompter(["report.json", "/var/logs", "x"])
    result = Attesta(FAST_POLICY, renderer=prompter, audit=False).evaluate_sync(DELETE, risk="high")
    assert result.verdict is Verdict.DENIED
    # What the channel was shown is the public challenge: options, never which one is right.
    public = prompter.shown[0][1]
    assert "correct" not in json.dumps(public["body"]).replace("required_correct", "")


def test_confirm_rejects_an_early_answer_and_accepts_after_the_minimum_time():
    config = {"policy": {"minimum_review_seconds": {"medium": 0.3}}}

    def patient(question):
        time.sleep(0.35)
        return "y"

    prompter = ChatPrompter(["y", patient])
    result = Attesta(config, renderer=prompter, audit=False).evaluate_sync(ActionContext("restart_service", args=("api",)), risk="medium")
    assert result.verdict is Verdict.APPROVED, result.reason
    assert result.challenge_type is ChallengeType.CONFIRM
    assert result.challenge_result["details"]["early_answers"] == 1
    assert any(kind == "rejected" for kind, _ in prompter.notices)


def test_teach_back_needs_understanding():
    config = {"policy": {**FAST_POLICY["policy"], "challenge_map": {"high": "teach_back"}}}
    lazy = ChatPrompter(["ok delete it"])
    result = Attesta(config, renderer=lazy, audit=False).evaluate_sync(DELETE, risk="high")
    assert result.verdict is Verdict.DENIED

    careful = ChatPrompter(
        [
            "This permanently deletes the file report.csv in the /var/data directory on this server; "
            "the monthly report data will be gone and cannot be recovered afterwards."
        ]
    )
    result = Attesta(config, renderer=careful, audit=False).evaluate_sync(DELETE, risk="high")
    assert result.verdict is Verdict.APPROVED, result.reason
    assert result.challenge_type is ChallengeType.TEACH_BACK


def test_closed_channel_denies():
    prompter = ChatPrompter([None])
    result = Attesta(FAST_POLICY, renderer=prompter, audit=False).evaluate_sync(ActionContext("restart_service"), risk="medium")
    assert result.verdict is Verdict.DENIED


def test_async_prompter_methods_are_awaited():
    import asyncio

    class AsyncChat:
        def __init__(self):
            self.shown = []

        async def present(self, text, challenge, slot):
            await asyncio.sleep(0)
            self.shown.append(text)

        async def ask_line(self, prompt, question=None, unlocks_in=0.0, deadline=None):
            await asyncio.sleep(0)
            return "y"

    chat = AsyncChat()
    result = Attesta(FAST_POLICY, renderer=chat, audit=False).evaluate_sync(ActionContext("restart_service"), risk="medium")
    assert result.verdict is Verdict.APPROVED, result.reason
    assert chat.shown and "restart_service" in chat.shown[0]


def test_derived_pipeline_shares_the_audit_log():
    base = Attesta(audit_path="audit.jsonl")
    strict = base.derive(risk_scorer=Const(0.9, "strict"))

    @base.gate
    def read_file(path):
        return path

    @strict.gate
    def read_secret(path):
        return path

    read_file("a.txt")
    with pytest.raises(AttestaDenied):
        read_secret("b.txt")
    entries = [json.loads(line) for line in open("audit.jsonl")]
    assert [e["scorer"] for e in entries] == ["default", "strict"]
    assert entries[1]["previous_hash"] == entries[0]["chain_hash"]
