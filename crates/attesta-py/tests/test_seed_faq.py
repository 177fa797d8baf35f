"""Every Python example of the FAQ (seeds/002), run as written; where an example needs a human,
a scripted renderer stands in for one."""

import json

import pytest

from attesta import ActionContext, Attesta, AttestaDenied, RiskLevel, RiskScorer, Verdict, gate


class MyScorer:
    @property
    def name(self) -> str:
        return "my-scorer"

    def score(self, ctx: ActionContext) -> float:
        if "production" in ctx.function_name:
            return 0.9
        return 0.2


class ApprovingRenderer:
    """Stands in for the human: approves whatever it is shown, and remembers it."""

    def __init__(self):
        self.seen = []

    def render_approval(self, ctx, risk):
        self.seen.append((ctx.function_name, risk.level))
        return Verdict.APPROVED


def test_custom_scorer_example():
    @gate(risk_scorer=MyScorer())
    def deploy(service: str) -> str:
        return f"Deployed {service}"

    assert deploy("api") == "Deployed api"
    assert isinstance(MyScorer(), RiskScorer)


def test_custom_scorer_high_score_is_not_silently_approved():
    calls = []

    @gate(risk_scorer=MyScorer())
    def deploy_production(service: str) -> str:
        calls.append(service)
        return "deployed"

    with pytest.raises(AttestaDenied) as info:
        deploy_production("api")
    assert calls == []
    result = info.value.result
    assert result.risk_score == pytest.approx(0.9)
    assert result.risk_level is RiskLevel.CRITICAL
    assert result.scorer == "my-scorer"
    assert "no human reviewer is reachable" in str(info.value)


def test_code_level_override_example():
    ran = []

    @gate(risk="critical")
    def drop_database(name: str) -> str:
        ran.append(name)
        return "dropped"

    with pytest.raises(AttestaDenied) as info:
        drop_database("prod")
    assert ran == []
    assert info.value.result.risk_level is RiskLevel.CRITICAL
    assert info.value.verdict is Verdict.DENIED


OVERRIDES_YAML = """\
policy:
  fail_mode: deny
  timeout_seconds: 300  # 5 minutes
risk:
  overrides:
    drop_database: critical
    read_config: low
    deploy_production: high
"""


def test_configuration_overrides_example(write_config):
    write_config(OVERRIDES_YAML)
    attesta = Attesta.from_config("attesta.yaml")
    assert attesta.assess(ActionContext("drop_database")).level is RiskLevel.CRITICAL
    assert attesta.assess(ActionContext("read_config")).level is RiskLevel.LOW
    assert attesta.assess(ActionContext("deploy_production")).level is RiskLevel.HIGH

    @attesta.gate
    def read_config(path: str) -> str:
        return "config"

    assert read_config("/etc/app.yaml") == "config"


def test_code_override_beats_config_override(write_config):
    write_config(OVERRIDES_YAML)
    attesta = Attesta.from_config("attesta.yaml")

    @attesta.gate(risk="critical")
    def read_config() -> str:
        return "config"

    with pytest.raises(AttestaDenied) as info:
        read_config()
    assert info.value.result.risk_level is RiskLevel.CRITICAL


def test_json_configuration_needs_no_extra_dependency(write_config):
    write_config(json.dumps({"risk": {"overrides": {"drop_database": "critical"}}}), name="attesta.json")
    attesta = Attesta.from_config("attesta.json")
    assert attesta.assess(ActionContext("drop_database")).level is RiskLevel.CRITICAL


def test_yaml_configuration_is_parsed_by_the_core_without_pyyaml(write_config):
    import importlib.util

    write_config(OVERRIDES_YAML)
    Attesta.from_config("attesta.yaml")
    # Nothing in the package needs PyYAML (it is not a dependency).
    import attesta

    source = open(attesta._core.__file__).read()
    assert "yaml" not in source.replace("attesta.yaml", "").replace("attesta.yml", "")
    assert importlib.util.find_spec("attesta") is not None


def test_one_instance_many_frameworks_example(write_config):
    """The FAQ's "several frameworks at once" example: one Attesta, a LangChain tool and a direct
    gate share one audit log, tagged by metadata.source."""
    from langchain_core.tools import tool

    from attesta.integrations.langchain import AttestaToolWrapper

    write_config("policy:\n  minimum_review_seconds: {medium: 0, high: 0, critical: 0}\n")
    renderer = ApprovingRenderer()
    attesta = Attesta.from_config("attesta.yaml", renderer=renderer)

    @tool
    def my_langchain_tool(query: str) -> str:
        """Look up a customer record."""
        return f"found {query}"

    safe_tool = AttestaToolWrapper(attesta, my_langchain_tool)
    assert safe_tool.invoke({"query": "cust_1"}) == "found cust_1"

    @attesta.gate(risk_hints={"production": True})
    def deploy(service: str) -> str:
        return f"Deployed {service}"

    assert deploy("api") == "Deployed api"

    entries = [json.loads(line) for line in open(attesta.audit_path)]
    sources = [e["metadata"].get("source") for e in entries]
    assert sources == ["langchain", "python"]
    assert entries[1]["action_name"] == "deploy"


def test_renderer_parameter_from_troubleshooting():
    # "Or pass a custom renderer explicitly: @gate(renderer=MyRenderer())"
    renderer = ApprovingRenderer()

    @gate(risk="medium", renderer=renderer, min_review_seconds=0)
    def rotate_keys() -> str:
        return "rotated"

    with pytest.raises(AttestaDenied, match="minimum review time"):
        # Medium risk waits 3 s by default: an instant approval is rejected, not queued.
        rotate_keys()
    assert renderer.seen == [("rotate_keys", RiskLevel.MEDIUM)]
