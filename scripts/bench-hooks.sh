#!/usr/bin/env bash
# Latency of one `attesta hook <agent>` call as an agent sees it: process start, payload
# parsing, config discovery, scoring, audit append (fsync per audit.durability) and the decision
# on stdout. Usage: scripts/bench-hooks.sh [RUNS]   (release build, or ATTESTA_BIN=path)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-200}"
if [ -n "${ATTESTA_BIN:-}" ]; then
  bin="$ATTESTA_BIN"   # an already built binary (any profile)
else
  cargo build --release -p attesta-cli --quiet
  target="${CARGO_TARGET_DIR:-target}"
  bin="$(cd "$target/release" && pwd)/attesta"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 - "$bin" "$work" "$runs" <<'PY'
import json, os, resource, statistics, subprocess, sys, time
binary, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
home = os.path.join(work, "home")
os.makedirs(home, exist_ok=True)
env = {"PATH": os.environ["PATH"], "HOME": home, "ATTESTA_ENV": "development", "NO_COLOR": "1"}

def payload(project, tool, tool_input, event="PreToolUse"):
    return json.dumps({"session_id": "bench", "cwd": project, "hook_event_name": event,
                       "tool_name": tool, "tool_input": tool_input, "tool_use_id": "toolu_bench"}).encode()

def bench(name, agent, tool, tool_input, config, event="PreToolUse"):
    project = os.path.join(work, name)
    os.makedirs(project, exist_ok=True)
    if config:
        with open(os.path.join(project, "attesta.yaml"), "w") as f:
            f.write(config)
    data = payload(project, tool, tool_input, event)
    times = []
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(runs):
        start = time.perf_counter()
        # setsid: no controlling terminal, so nothing can wait for a human.
        out = subprocess.run([binary, "hook", agent], input=data, capture_output=True, env=env, cwd=project,
                             start_new_session=True)
        times.append((time.perf_counter() - start) * 1000)
        assert out.returncode == 0, out
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU time (user + system) per call: what the hook costs, independent of machine load.
    cpu = ((cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)) * 1000 / runs
    times.sort()
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    print(f"{name:<44} wall mean {statistics.mean(times):6.2f} ms  p50 {p(0.5):6.2f}  p95 {p(0.95):6.2f}  p99 {p(0.99):6.2f}  cpu {cpu:5.2f} ms")

print(f"{runs} runs each, binary {binary}")
bench("claude-code Bash cargo test, allow, audit fsync", "claude-code", "Bash", {"command": "cargo test"}, "")
bench("claude-code Bash cargo test, allow, durability none", "claude-code", "Bash", {"command": "cargo test"}, "audit:\n  durability: none\n")
bench("claude-code Read, allow, audit fsync", "claude-code", "Read", {"file_path": "src/main.rs"}, "")
bench("claude-code Read, allow, durability none", "claude-code", "Read", {"file_path": "src/main.rs"}, "audit:\n  durability: none\n")
bench("claude-code Bash rm -rf, deny (no human)", "claude-code", "Bash", {"command": "rm -rf ~/"}, "")
bench("codex Bash cat, allow (empty stdout)", "codex", "Bash", {"command": "cat README.md"}, "")
bench("gemini read_file, allow, audit off", "gemini", "read_file", {"file_path": "README.md"}, "audit:\n  enabled: false\n", event="BeforeTool")
PY
