#!/usr/bin/env bash
# The one test command: builds everything and runs every test suite (Rust now; Python,
# plugins and browser suites join here as they land). Installs what it needs, idempotently.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*" >&2; }

step "cargo clippy (lints forbid printing from libraries)"
cargo clippy --workspace --all-targets --quiet

step "cargo build (binaries and the examples the pseudo-terminal tests drive)"
cargo build --workspace --bins --examples --quiet

step "cargo test (unit, integration, doc tests, benchmarks in test mode)"
cargo test --workspace --all-targets --no-fail-fast
cargo test --workspace --doc --no-fail-fast

step "approval server against a real PostgreSQL (scripts/test-server.sh)"
scripts/test-server.sh

step "python package and framework integrations (scripts/test-python.sh)"
scripts/test-python.sh

step "no-code integrations: Dify plugin and Langflow component (scripts/test-integrations.sh)"
scripts/test-integrations.sh
