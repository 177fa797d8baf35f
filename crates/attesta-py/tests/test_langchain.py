"""LangChain and LangGraph against the real packages: function tools, class-based tools, and a
LangGraph graph whose tool node answers denied calls with error ToolMessages."""

import json
from typing import Type

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import BaseTool, StructuredTool, tool
from pydantic import BaseModel

from attesta import Attesta, AttestaDenied, RiskLevel, Verdict
from attesta.integrations.langchain import AttestaToolWrapper, gate_tools

from conftest import FAST_POLICY

RAN = []


@tool
def read_customer(customer_id: str) -> str:
    """Read a customer record."""
    RAN.append(("read", customer_id))
    return f"customer {customer_id}"


@tool
def delete_account(customer_id: str) -> str:
    """Permanently delete a customer account and all its data."""
    RAN.append(("delete", customer_id))
    return "deleted"


class TransferInput(BaseModel):
    account: str
    amount: float


class TransferFunds(BaseTool):
    """A class-based tool."""

    name: str = "transfer_funds"
    description: str = "Transfer money from the company account to an external account."
    args_schema: Type[BaseModel] = TransferInput

    def _run(self, account: str, amount: float) -> str:
        RAN.append(("transfer", account, amount))
        return f"sent {amount} to {account}"

    async def _arun(self, account: str, amount: float) -> str:
        return self._run(account, amount)


class Reviewer:
    def __init__(self, answer):
        self.answer = answer
        self.seen = []

    def render_approval(self, ctx, risk):
        self.seen.append(ctx)
        return self.answer(ctx) if callable(self.answer) else self.answer


@pytest.fixture(autouse=True)
def clear():
    RAN.clear()


def test_wrapper_keeps_name_description_and_schema():
    safe = AttestaToolWrapper(Attesta(audit=False), TransferFunds())
    assert safe.name == "transfer_funds"
    assert "external account" in safe.description
    assert set(safe.args) == {"account", "amount"}


def test_low_risk_function_tool_runs():
    safe = AttestaToolWrapper(Attesta(audit_path="audit.jsonl"), read_customer)
    assert safe.invoke({"customer_id": "c1"}) == "customer c1"
    assert RAN == [("read", "c1")]
    entry = json.loads(open("audit.jsonl").read())
    assert entry["metadata"]["source"] == "langchain"
    assert entry["action_name"] == "read_customer"


def test_denied_call_becomes_an_error_tool_message_and_never_runs():
    safe = AttestaToolWrapper(Attesta(audit_path="audit.jsonl"), delete_account)
    message = safe.invoke({"type": "tool_call", "id": "call_1", "name": "delete_account", "args": {"customer_id": "c9"}})
    assert isinstance(message, ToolMessage)
    assert message.status == "error"
    assert message.tool_call_id == "call_1"
    assert "Denied by Attesta: tool 'delete_account' was not run" in message.content
    assert RAN == []


def test_raise_on_deny():
    safe = AttestaToolWrapper(Attesta(audit=False), delete_account, raise_on_deny=True)
    with pytest.raises(AttestaDenied):
        safe.invoke({"customer_id": "c9"})
    assert RAN == []


def test_class_based_tool_approved_by_a_reviewer_runs():
    reviewer = Reviewer(Verdict.APPROVED)
    safe = AttestaToolWrapper(Attesta(FAST_POLICY, renderer=reviewer, audit=False), TransferFunds())
    assert safe.invoke({"account": "DE89", "amount": 250.0}) == "sent 250.0 to DE89"
    assert RAN == [("transfer", "DE89", 250.0)]
    assert reviewer.seen[0].kwargs == {"account": "DE89", "amount": 250.0}


def test_modified_call_runs_with_the_reviewers_arguments():
    reviewer = Reviewer((Verdict.MODIFIED, {"kwargs": {"account": "DE89", "amount": 10.0}}))
    safe = AttestaToolWrapper(Attesta(FAST_POLICY, renderer=reviewer, audit=False), TransferFunds())
    assert safe.invoke({"account": "DE89", "amount": 250.0}) == "sent 10.0 to DE89"
    assert RAN == [("transfer", "DE89", 10.0)]


async def test_async_invocation():
    safe = gate_tools(Attesta(audit=False), [read_customer, delete_account])
    assert await safe[0].ainvoke({"customer_id": "c2"}) == "customer c2"
    out = await safe[1].ainvoke({"type": "tool_call", "id": "x", "name": "delete_account", "args": {"customer_id": "c2"}})
    assert out.status == "error"
    assert RAN == [("read", "c2")]


def test_structured_tool_from_function():
    def archive_logs(days: int) -> str:
        """Archive old log files."""
        RAN.append(("archive", days))
        return "archived"

    safe = AttestaToolWrapper(Attesta(audit=False, risk_scorer=_Fixed(0.1)), StructuredTool.from_function(archive_logs))
    assert safe.invoke({"days": 30}) == "archived"


class _Fixed:
    def __init__(self, value):
        self.value = value

    name = "fixed-test"

    def score(self, ctx):
        return self.value


# ---- LangGraph ---------------------------------------------------------------------------------


def build_graph(attesta, tools, model_turns):
    from langgraph.graph import END, START, MessagesState, StateGraph

    from attesta.integrations.langgraph import AttestaToolNode

    turns = list(model_turns)

    def model(state):
        # A scripted model: first asks for tool calls, then answers.
        return {"messages": [turns.pop(0)]}

    def route(state):
        last = state["messages"][-1]
        return "tools" if isinstance(last, AIMessage) and last.tool_calls else END

    graph = StateGraph(MessagesState)
    graph.add_node("model", model)
    graph.add_node("tools", AttestaToolNode(tools, attesta))
    graph.add_edge(START, "model")
    graph.add_conditional_edges("model", route, ["tools", END])
    graph.add_edge("tools", "model")
    return graph.compile()


def calls_message():
    return AIMessage(
        content="",
        tool_calls=[
            {"name": "read_customer", "args": {"customer_id": "c1"}, "id": "call_read", "type": "tool_call"},
            {"name": "delete_account", "args": {"customer_id": "c1"}, "id": "call_delete", "type": "tool_call"},
        ],
    )


def test_langgraph_denied_call_gets_a_denial_tool_message():
    attesta = Attesta(audit_path="audit.jsonl")
    app = build_graph(attesta, [read_customer, delete_account], [calls_message(), AIMessage(content="done")])
    state = app.invoke({"messages": [HumanMessage(content="clean up c1")]})
    results = {m.tool_call_id: m for m in state["messages"] if isinstance(m, ToolMessage)}
    assert results["call_read"].content == "customer c1"
    assert results["call_delete"].status == "error"
    assert "Denied by Attesta: tool 'delete_account' was not run" in results["call_delete"].content
    assert results["call_delete"].artifact["attesta"]["verdict"] == "denied"
    assert RAN == [("read", "c1")]
    sources = [json.loads(l)["metadata"]["source"] for l in open("audit.jsonl")]
    assert sources == ["langgraph", "langgraph"]


async def test_langgraph_async_with_reviewer_modification():
    reviewer = Reviewer(lambda ctx: (Verdict.MODIFIED, {"kwargs": {"customer_id": "c1-archive"}}) if ctx.function_name == "delete_account" else Verdict.APPROVED)
    attesta = Attesta(FAST_POLICY, renderer=reviewer, audit=False)
    app = build_graph(attesta, [read_customer, delete_account], [calls_message(), AIMessage(content="done")])
    state = await app.ainvoke({"messages": [HumanMessage(content="clean up c1")]})
    assert ("delete", "c1-archive") in RAN
    assert ("delete", "c1") not in RAN
    assert state["messages"][-1].content == "done"
