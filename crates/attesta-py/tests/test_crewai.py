"""CrewAI: a real Crew (scripted LLM, real agent loop and tool-hook machinery) whose dangerous tool
call is blocked by Attesta before the tool runs."""

import json
import os
from types import SimpleNamespace

import pytest

crewai = pytest.importorskip("crewai", reason="CrewAI runs in its own virtualenv (see scripts/test-python.sh)")

from crewai import Agent, Crew, Task  # noqa: E402
from crewai.llms.base_llm import BaseLLM  # noqa: E402
from crewai.tools import BaseTool  # noqa: E402

from attesta import Attesta, Verdict  # noqa: E402
from attesta.integrations.crewai import (  # noqa: E402
    attesta_before_tool_call,
    gate_crewai_tool,
    register_attesta_hook,
    unregister_attesta_hook,
)

os.environ.setdefault("CREWAI_DISABLE_TELEMETRY", "true")
os.environ.setdefault("OTEL_SDK_DISABLED", "true")


class ScriptedLLM(BaseLLM):
    """Plays the model: returns the scripted ReAct replies in order and records the prompts."""

    def __init__(self, replies):
        super().__init__(model="scripted")
        self._replies = list(replies)
        self.prompts = []

    def call(self, messages, tools=None, callbacks=None, available_functions=None, from_task=None, from_agent=None, response_model=None, **kwargs):
        self.prompts.append(json.dumps(messages, default=str))
        return self._replies.pop(0)

    def supports_function_calling(self):
        return False


RAN = []


class DeleteRecords(BaseTool):
    name: str = "delete_records"
    description: str = "Delete every record of a database table permanently."

    def _run(self, table: str) -> str:
        RAN.append(table)
        return f"deleted {table}"


class CountRecords(BaseTool):
    name: str = "count_records"
    description: str = "Count the records of a table (read-only)."

    def _run(self, table: str) -> str:
        RAN.append(("count", table))
        return "42"


def run_crew(tool, action_input):
    llm = ScriptedLLM(
        [
            f"Thought: I will use the tool.\nAction: {tool.name}\nAction Input: {json.dumps(action_input)}",
            "Thought: I have what I need.\nFinal Answer: done",
        ]
    )
    agent = Agent(role="db-maintainer", goal="maintain the database", backstory="careful", llm=llm, tools=[tool])
    task = Task(description=f"use {tool.name}", expected_output="a short summary", agent=agent)
    output = Crew(agents=[agent], tasks=[task]).kickoff()
    return output, llm


@pytest.fixture
def hook():
    denied = []
    attesta = Attesta(audit_path="audit.jsonl")
    registered = register_attesta_hook(attesta, on_denied=lambda ctx, result: denied.append(result))
    yield denied
    unregister_attesta_hook(registered)


def test_before_tool_call_hook_blocks_a_denied_call(hook):
    RAN.clear()
    output, llm = run_crew(DeleteRecords(), {"table": "users"})
    assert RAN == [], "the tool must not run"
    assert len(hook) == 1 and hook[0].verdict is Verdict.DENIED
    # The agent was told why, with the audit id, not just "blocked by hook".
    assert "Denied by Attesta: tool 'delete_records' was not run" in llm.prompts[-1]
    assert hook[0].audit_entry_id in llm.prompts[-1]
    entry = json.loads(open("audit.jsonl").read().splitlines()[-1])
    assert entry["metadata"]["source"] == "crewai"
    assert entry["agent_id"] == "db-maintainer"
    assert entry["arguments"]["kwargs"] == {"table": "users"}


def test_before_tool_call_hook_lets_low_risk_calls_run(hook):
    RAN.clear()
    run_crew(CountRecords(), {"table": "users"})
    assert RAN == [("count", "users")]
    assert hook == []


def test_gate_crewai_tool_returns_the_denial_text():
    RAN.clear()
    tool = gate_crewai_tool(DeleteRecords(), Attesta(audit=False, trust=False))
    output, llm = run_crew(tool, {"table": "orders"})
    assert RAN == []
    assert "Denied by Attesta: tool 'delete_records' was not run" in llm.prompts[-1]


class Modifies:
    """A reviewer that approves only with narrower arguments."""

    def render_approval(self, ctx, risk):
        return Verdict.MODIFIED, {"kwargs": {"table": "users_archive"}}


ARCHIVE = SimpleNamespace(description="Archive the records of a table.")
FAST = {"policy": {"minimum_review_seconds": {"low": 0, "medium": 0, "high": 0, "critical": 0}}}


def test_a_modification_is_applied_to_a_dict_input():
    hook = attesta_before_tool_call(Attesta(FAST, renderer=Modifies(), audit=False, trust=False))
    context = SimpleNamespace(tool_name="archive_records", tool_input={"table": "users"}, tool=ARCHIVE, agent=None)
    assert hook(context) is None
    assert context.tool_input == {"table": "users_archive"}


def test_a_modification_that_cannot_be_applied_to_a_string_input_blocks_the_call():
    # A JSON string cannot be changed in place: running the call would run the original
    # arguments the reviewer changed, so the call is blocked and on_denied hears about it.
    denied = []
    hook = attesta_before_tool_call(
        Attesta(FAST, renderer=Modifies(), audit=False, trust=False),
        on_denied=lambda ctx, result: denied.append(result),
    )
    context = SimpleNamespace(tool_name="archive_records", tool_input='{"table": "users"}', tool=ARCHIVE, agent=None)
    assert hook(context) is False
    assert context.tool_input == '{"table": "users"}'
    assert [r.verdict for r in denied] == [Verdict.MODIFIED]
