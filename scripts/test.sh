#!/usr/bin/env bash
# The one test command: builds everything and runs every test suite (Rust now; Python,
# plugins and browser suites join here as they land). Installs what it needs, idempotently.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*" >&2; }

# Third-party peers the end-to-end tests talk to; tests fail (not skip) when these are missing.
export ATTESTA_REQUIRE_TEST_PEERS=1
step "test peers: the official Python MCP SDK"
bash scripts/setup-mcp-test-deps.sh

step "cargo clippy (lints forbid printing from libraries)"
cargo clippy --workspace --all-targets --quiet

step "cargo build (binaries and the examples the pseudo-terminal tests drive)"
cargo build --workspace --bins --examples --quiet

step "cargo test: unit, integration (real binary, pty, concurrent processes, MCP and coding-agent hook peers), doc tests, benchmarks in test mode"
cargo test --workspace --all-targets --no-fail-fast
cargo test --workspace --doc --no-fail-fast

step "approval server against a real PostgreSQL (scripts/test-server.sh)"
scripts/test-server.sh

step "web inbox in a real browser (scripts/test-browser.sh)"
scripts/test-browser.sh

step "python package and framework integrations (scripts/test-python.sh)"
scripts/test-python.sh

step "no-code integrations: Dify plugin and Langflow component (scripts/test-integrations.sh)"
scripts/test-integrations.sh

step "node package @kyberon/attesta and its integrations (scripts/test-node.sh)"
scripts/test-node.sh

step "no-code JavaScript integrations: n8n node in n8n 2.41 and Flowise node in Flowise 3.1 (scripts/test-nocode-js.sh)"
scripts/test-nocode-js.sh
