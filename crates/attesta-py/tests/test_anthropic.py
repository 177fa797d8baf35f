"""Anthropic tool use with the real SDK over real HTTP (a local stand-in for the Messages API):
tool_use blocks are gated, denied ones answered with an is_error tool_result."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import anthropic
import pytest

from attesta import Attesta, Verdict
from attesta.integrations.anthropic import AttestaToolGate

from conftest import FAST_POLICY


def tool_use_message():
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-test",
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 10},
        "content": [
            {"type": "text", "text": "I'll look up the order, then refund it."},
            {"type": "tool_use", "id": "toolu_read", "name": "get_order", "input": {"order_id": "o-17"}},
            {"type": "tool_use", "id": "toolu_refund", "name": "issue_refund", "input": {"order_id": "o-17", "amount": 4999.0, "currency": "USD"}},
        ],
    }


def final_message():
    return {
        "id": "msg_2",
        "type": "message",
        "role": "assistant",
        "model": "claude-test",
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 10},
        "content": [{"type": "text", "text": "Done."}],
    }


@pytest.fixture
def api():
    requests = []
    replies = [tool_use_message(), final_message()]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["content-length"]))
            requests.append(json.loads(body))
            payload = json.dumps(replies.pop(0)).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    client = anthropic.Anthropic(base_url=f"http://127.0.0.1:{server.server_address[1]}", api_key="test-key", max_retries=0)
    yield client, requests
    server.shutdown()


TOOLS = [
    {"name": "get_order", "description": "Read an order.", "input_schema": {"type": "object", "properties": {"order_id": {"type": "string"}}}},
    {"name": "issue_refund", "description": "Send money back to the customer's card.", "input_schema": {"type": "object", "properties": {"order_id": {"type": "string"}, "amount": {"type": "number"}}}},
]


def run_conversation(client, gate):
    messages = [{"role": "user", "content": "refund order o-17"}]
    response = client.messages.create(model="claude-test", max_tokens=100, tools=TOOLS, messages=messages)
    assert isinstance(response.content[1], anthropic.types.ToolUseBlock)
    results = gate.handle(response)
    messages += [{"role": "assistant", "content": response.content}, {"role": "user", "content": results}]
    client.messages.create(model="claude-test", max_tokens=100, tools=TOOLS, messages=messages)
    return results


def test_denied_tool_use_gets_an_error_tool_result(api):
    client, requests = api
    refunds = []
    gate = AttestaToolGate(
        Attesta(audit_path="audit.jsonl"),
        tools={"get_order": lambda order_id: {"id": order_id, "total": 49.99}, "issue_refund": lambda **kw: refunds.append(kw)},
        descriptions={t["name"]: t["description"] for t in TOOLS},
    )
    results = run_conversation(client, gate)
    assert refunds == []
    by_id = {r["tool_use_id"]: r for r in results}
    assert json.loads(by_id["toolu_read"]["content"]) == {"id": "o-17", "total": 49.99}
    assert "is_error" not in by_id["toolu_read"]
    assert by_id["toolu_refund"]["is_error"] is True
    assert by_id["toolu_refund"]["content"].startswith("Denied by Attesta: tool 'issue_refund' was not run")
    # The denial went back to the model as a proper tool_result block.
    sent = requests[1]["messages"][-1]["content"]
    assert {b["tool_use_id"]: b.get("is_error", False) for b in sent} == {"toolu_read": False, "toolu_refund": True}
    entries = [json.loads(l) for l in open("audit.jsonl")]
    assert [e["metadata"]["source"] for e in entries] == ["anthropic", "anthropic"]
    assert entries[1]["metadata"]["tool_use_id"] == "toolu_refund"


def test_approved_tool_use_runs(api):
    client, _ = api
    refunds = []

    class Approver:
        def render_approval(self, ctx, risk):
            return {"verdict": "approved", "approvers": ["finance-lead"]}

    gate = AttestaToolGate(
        Attesta(FAST_POLICY, renderer=Approver(), audit=False),
        tools={"get_order": lambda order_id: "ok", "issue_refund": lambda **kw: refunds.append(kw) or "refunded"},
    )
    results = run_conversation(client, gate)
    assert refunds == [{"order_id": "o-17", "amount": 4999.0, "currency": "USD"}]
    assert [r.get("is_error", False) for r in results] == [False, False]


async def test_async_handle_with_dict_blocks():
    gate = AttestaToolGate(Attesta(audit=False), tools={"get_order": lambda order_id: f"order {order_id}"})
    blocks = tool_use_message()["content"]
    results = await gate.ahandle(blocks[:2])
    assert results == [{"type": "tool_result", "tool_use_id": "toolu_read", "content": "order o-17"}]
    result = gate.evaluate(blocks[2])
    assert result.verdict is Verdict.DENIED
