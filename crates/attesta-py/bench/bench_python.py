"""Per-call overhead of Attesta from Python (auto-approved, LOW-risk actions).

    python crates/attesta-py/bench/bench_python.py [--iterations N]

Measures, per call, the median and 99th percentile of:
- ``await attesta.evaluate(ctx)`` of an auto-approved action,
- a ``@gate``-decorated sync function minus the same undecorated function,
- the same with an async function,
each with the audit log off, and with it on at ``durability: none`` and ``always`` (fsync).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import tempfile
import time

from attesta import ActionContext, Attesta


def summary(samples_ns):
    samples = sorted(samples_ns)
    median = statistics.median(samples) / 1000
    p99 = samples[int(len(samples) * 0.99) - 1] / 1000
    return median, p99


def bench_sync(fn, iterations):
    for _ in range(min(1000, iterations)):
        fn("notes.txt")
    samples = []
    clock = time.perf_counter_ns
    for _ in range(iterations):
        start = clock()
        fn("notes.txt")
        samples.append(clock() - start)
    return samples


async def bench_async(make_awaitable, iterations):
    for _ in range(min(1000, iterations)):
        await make_awaitable()
    samples = []
    clock = time.perf_counter_ns
    for _ in range(iterations):
        start = clock()
        await make_awaitable()
        samples.append(clock() - start)
    return samples


def pipelines(workdir):
    yield "audit off", Attesta(audit=False, trust=False)
    for durability in ("none", "always"):
        config = {"audit": {"path": os.path.join(workdir, f"audit-{durability}.jsonl"), "durability": durability}, "trust": {"enabled": False}}
        yield f"audit on ({durability})", Attesta(config)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=20000)
    args = parser.parse_args()
    n = args.iterations
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cpus, {n} iterations per row")
    print(f"{'what':55} {'median µs':>10} {'p99 µs':>10}")

    def plain(path):
        return path

    async def plain_async(path):
        return path

    base_sync = statistics.median(bench_sync(plain, n)) / 1000
    base_async = statistics.median(asyncio.run(bench_async(lambda: plain_async("notes.txt"), n))) / 1000

    with tempfile.TemporaryDirectory() as workdir:
        for label, attesta in pipelines(workdir):
            iterations = n if "always" not in label else max(200, n // 50)
            ctx = ActionContext("read_file", kwargs={"path": "notes.txt"})
            assert attesta.evaluate_sync(ctx).verdict.value == "approved"
            median, p99 = summary(asyncio.run(bench_async(lambda: attesta.evaluate(ctx), iterations)))
            print(f"{'await attesta.evaluate(ctx), ' + label:55} {median:10.2f} {p99:10.2f}")

            @attesta.gate
            def read_file(path):
                return path

            median, p99 = summary(bench_sync(read_file, iterations))
            print(f"{'@gate sync overhead, ' + label:55} {median - base_sync:10.2f} {p99:10.2f}")

            @attesta.gate
            async def read_file_async(path):
                return path

            median, p99 = summary(asyncio.run(bench_async(lambda: read_file_async("notes.txt"), iterations)))
            print(f"{'@gate async overhead, ' + label:55} {median - base_async:10.2f} {p99:10.2f}")


if __name__ == "__main__":
    main()
