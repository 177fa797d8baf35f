#!/usr/bin/env bash
# Approval server suite against a real PostgreSQL: installs PostgreSQL (Debian) if needed, starts a
# throwaway cluster on a private port, runs the PostgreSQL variants of the API tests and the
# two-servers-one-database end-to-end test, then stops the cluster. Fails (never skips) when
# PostgreSQL cannot be started. The SQLite variants run in the main `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*" >&2; }

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  step "installing PostgreSQL (apt-get)"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGPORT=${ATTESTA_TEST_PGPORT:-54329}
PGDATA=$(mktemp -d /tmp/attesta-pg.XXXXXX)

# initdb refuses to run as root: run the cluster as the postgres user (or as ourselves).
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$PGDATA"
  AS_PG=(runuser -u postgres --)
else
  AS_PG=()
fi
cleanup() {
  "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGDATA"
}
trap cleanup EXIT

step "starting a throwaway PostgreSQL on 127.0.0.1:$PGPORT"
"${AS_PG[@]}" "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 >/dev/null
"${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/log" -w \
  -o "-p $PGPORT -k $PGDATA -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null \
  || { cat "$PGDATA/log" >&2; echo "PostgreSQL did not start" >&2; exit 1; }
export ATTESTA_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PGPORT/postgres"

step "approval server API and abuse-limit tests against PostgreSQL"
cargo test -p attesta-server --test api --test abuse --no-fail-fast -- --ignored

step "load: 100 agents x 20 requests, 2 approvers, 2 servers on one PostgreSQL (exactly once, one chain)"
cargo test -p attesta-server --test load --no-fail-fast -- --ignored --nocapture

step "attesta audit verify --db reads the fleet's chain"
AUDIT_DB="attesta_cli_$$"
"${AS_PG[@]}" "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE $AUDIT_DB" >/dev/null
AUDIT_URL="postgres://postgres@127.0.0.1:$PGPORT/$AUDIT_DB"
# A database that is not a server's is refused with a reason; a server's (migrated) one verifies.
if cargo run -q -p attesta-cli --bin attesta -- audit verify --db "$AUDIT_URL" 2>/dev/null; then
  echo "audit verify --db accepted a database without an audit chain" >&2; exit 1
fi
cargo run -q -p attesta-cli --bin attesta -- serve --db "$AUDIT_URL" list >/dev/null
cargo run -q -p attesta-cli --bin attesta -- audit verify --db "$AUDIT_URL"

step "attesta evaluate released through two server processes sharing PostgreSQL"
cargo test -p attesta-cli --test server --no-fail-fast -- --ignored
