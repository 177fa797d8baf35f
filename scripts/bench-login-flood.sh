#!/usr/bin/env bash
# Memory of `attesta serve` under a sign-in flood (not a test: it prints figures for
# docs/benchmarks.md). Starts the server on a loopback port with a temporary SQLite database,
# then sends CONCURRENCY parallel sign-ins for SECONDS seconds, twice: with the right password
# (every attempt costs an argon2 hash, so this measures the bound on concurrent hashes) and with
# wrong passwords (the throttle answers 429 without hashing). Reports the server's peak RSS
# (VmHWM) and the status codes seen.
#   scripts/bench-login-flood.sh [CONCURRENCY=64] [SECONDS=20]
set -euo pipefail
cd "$(dirname "$0")/.."
CONCURRENCY=${1:-64}
SECONDS_=${2:-20}
BIN=${ATTESTA_BIN:-}
if [ -z "$BIN" ]; then
  cargo build -p attesta-cli --bin attesta --release --quiet
  BIN="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys;print(json.load(sys.stdin)["target_directory"])')/release/attesta"
fi
DIR=$(mktemp -d /tmp/attesta-flood.XXXXXX)
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$DIR"' EXIT
printf 'policy:\n  timeout_seconds: 600\n' >"$DIR/attesta.yaml"
"$BIN" -c "$DIR/attesta.yaml" serve --db "$DIR/server.db" add-approver alice --password-stdin <<<'alice-correct-horse' >/dev/null
"$BIN" -c "$DIR/attesta.yaml" serve --db "$DIR/server.db" --listen 127.0.0.1:0 2>"$DIR/log" &
PID=$!
for _ in $(seq 100); do grep -q 'listening on' "$DIR/log" && break; sleep 0.1; done
URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$DIR/log" | head -1)
rss() { awk '/VmRSS|VmHWM/ {printf "%s %d MB  ", $1, $2/1024}' "/proc/$PID/status"; echo; }
echo "server $URL (pid $PID), $CONCURRENCY concurrent sign-ins for ${SECONDS_}s each round"
echo "idle: $(rss)"
flood() {
  python3 - "$URL" "$CONCURRENCY" "$SECONDS_" "$1" <<'PY'
import collections, json, sys, threading, time, urllib.request, urllib.error
url, n, secs, mode = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
codes = collections.Counter(); lock = threading.Lock(); end = time.time() + secs
def worker(i):
    k = 0
    while time.time() < end:
        k += 1
        pw = "alice-correct-horse" if mode == "right" else f"guess-{i}-{k}"
        req = urllib.request.Request(url + "/v1/session", data=json.dumps({"name": "alice", "password": pw}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        try:
            code = urllib.request.urlopen(req, timeout=30).status
        except urllib.error.HTTPError as e:
            code = e.code
        except Exception:
            code = "error"
        with lock: codes[code] += 1
threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
[t.start() for t in threads]; [t.join() for t in threads]
print(f"  {mode} password: " + ", ".join(f"{c}: {k}" for c, k in sorted(codes.items(), key=str)))
PY
}
flood right
echo "after right-password flood: $(rss)"
flood wrong
echo "after wrong-password flood: $(rss)"
