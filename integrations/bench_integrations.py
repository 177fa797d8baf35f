"""Per-call cost of the no-code integrations for an auto-approved action (audit log written with
the default durability, fsync per entry), measured from Python:

    ~/.cache/attesta-dify-venv/bin/python integrations/bench_integrations.py dify
    ~/.cache/attesta-langflow-venv/bin/python integrations/bench_integrations.py langflow

Prints median and p95 over N calls after a warm-up. Run from the repository root.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
N = int(os.environ.get("BENCH_N", "2000"))


def report(name: str, samples: list) -> None:
    samples = sorted(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"{name}: median {statistics.median(samples) * 1e6:.1f} us, p95 {p95 * 1e6:.1f} us over {len(samples)} calls")


def bench_dify() -> None:
    sys.path.insert(0, str(ROOT / "dify-attesta"))
    from tools.attesta_gate import AttestaGateTool  # noqa: E402

    tool = AttestaGateTool.from_credentials({"risk_threshold": "0.5"})
    params = {"function_name": "read_customer", "action_args": '{"id": "cust_123"}', "risk_level": "auto"}
    for _ in range(200):
        list(tool.invoke(dict(params)))
    samples = []
    for _ in range(N):
        started = time.perf_counter()
        [message] = list(tool.invoke(dict(params)))
        samples.append(time.perf_counter() - started)
        assert message.message.json_object["verdict"] == "approved"
    report("dify tool invoke (auto-approved, no running loop)", samples)

    async def in_loop() -> list:
        out = []
        for _ in range(N // 4):
            started = time.perf_counter()
            list(tool.invoke(dict(params)))
            out.append(time.perf_counter() - started)
        return out

    report("dify tool invoke (auto-approved, inside a running loop: helper thread)", asyncio.run(in_loop()))


def bench_langflow() -> None:
    spec = importlib.util.spec_from_file_location("attesta_approval_bench", ROOT / "langflow-attesta" / "components" / "attesta" / "attesta_approval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # lfx finds a component's source through its module
    spec.loader.exec_module(module)

    async def run() -> list:
        component = module.AttestaApprovalComponent(function_name="read_customer", action_args='{"id": "cust_123"}')
        for _ in range(200):
            await component.evaluate_action()
        out = []
        for _ in range(N):
            started = time.perf_counter()
            data = await component.evaluate_action()
            out.append(time.perf_counter() - started)
            assert data.data["verdict"] == "approved"
        return out

    report("langflow component evaluate_action (auto-approved)", asyncio.run(run()))


if __name__ == "__main__":
    # BENCH_AUDIT_DIR=/dev/shm separates the integration's cost from the disk's fsync latency.
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_AUDIT_DIR")) as tmp:
        os.environ["ATTESTA_AUDIT_PATH"] = os.path.join(tmp, "audit.jsonl")
        {"dify": bench_dify, "langflow": bench_langflow}[sys.argv[1]]()
