"""OpenAI Agents SDK: the real Runner with a scripted model; Attesta sits in the tool input
guardrail, so a denied call is rejected before the tool runs and the model sees why."""

import json

import pytest
from agents import Agent, Runner, function_tool, set_tracing_disabled
from agents.testing import ScriptedModel, assistant_message, function_call

from attesta import Attesta, Verdict
from attesta.integrations.openai_agents import attesta_tool_guardrail, gate_function_tools

from conftest import FAST_POLICY

set_tracing_disabled(True)

RAN = []


@function_tool
def wipe_disk(device: str) -> str:
    """Erase every byte of a disk device (irreversible)."""
    RAN.append(("wipe", device))
    return "wiped"


@function_tool
def get_weather(city: str) -> str:
    """Read the weather forecast."""
    RAN.append(("weather", city))
    return "sunny"


def model_input_text(model):
    return json.dumps([c.input for c in model.calls], default=str)


@pytest.fixture(autouse=True)
def clear():
    RAN.clear()


async def test_denied_call_is_rejected_before_the_tool_runs():
    model = ScriptedModel(
        [
            [function_call("wipe_disk", {"device": "/dev/sda"}, call_id="call_wipe")],
            [assistant_message("I was not allowed to do that.")],
        ]
    )
    tools = gate_function_tools([wipe_disk], Attesta(audit_path="audit.jsonl"))
    agent = Agent(name="ops-agent", instructions="do ops", model=model, tools=tools)
    result = await Runner.run(agent, "wipe the disk")
    assert RAN == []
    assert result.final_output == "I was not allowed to do that."
    assert "Denied by Attesta: tool 'wipe_disk' was not run" in model_input_text(model)
    entry = json.loads(open("audit.jsonl").read())
    assert entry["agent_id"] == "ops-agent"
    assert entry["metadata"]["source"] == "openai_agents"
    assert entry["arguments"]["kwargs"] == {"device": "/dev/sda"}
    assert entry["verdict"] == "denied"


async def test_approved_call_runs():
    model = ScriptedModel(
        [
            [function_call("get_weather", {"city": "Oslo"}, call_id="call_w")],
            [assistant_message("Sunny in Oslo.")],
        ]
    )
    tools = gate_function_tools([get_weather], Attesta(audit=False))
    agent = Agent(name="helper", instructions="help", model=model, tools=tools)
    result = await Runner.run(agent, "weather?")
    assert RAN == [("weather", "Oslo")]
    assert result.final_output == "Sunny in Oslo."


async def test_reviewer_approves_a_risky_call():
    class Approver:
        def render_approval(self, ctx, risk):
            return Verdict.APPROVED

    @function_tool(tool_input_guardrails=[attesta_tool_guardrail(Attesta(FAST_POLICY, renderer=Approver(), audit=False))])
    def deploy_service(service: str) -> str:
        """Deploy a service to production."""
        RAN.append(("deploy", service))
        return "deployed"

    model = ScriptedModel(
        [
            [function_call("deploy_service", {"service": "api"}, call_id="c1")],
            [assistant_message("Deployed.")],
        ]
    )
    agent = Agent(name="deployer", instructions="deploy", model=model, tools=[deploy_service])
    await Runner.run(agent, "deploy api")
    assert RAN == [("deploy", "api")]


def test_sync_runner():
    model = ScriptedModel(
        [
            [function_call("wipe_disk", {"device": "/dev/sdb"}, call_id="c2")],
            [assistant_message("No.")],
        ]
    )
    agent = Agent(name="ops", instructions="x", model=model, tools=gate_function_tools([wipe_disk], Attesta(audit=False)))
    Runner.run_sync(agent, "wipe")
    assert RAN == []


def test_gating_twice_keeps_one_guardrail():
    gate_function_tools([wipe_disk], Attesta(audit=False))
    gate_function_tools([wipe_disk], Attesta(audit=False))
    assert [g.name for g in wipe_disk.tool_input_guardrails] == ["attesta"]
