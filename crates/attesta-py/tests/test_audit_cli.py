"""Same audit log, same config file as the Rust side: logs written from Python verify with the
real `attesta` binary, tampering is caught, and the CLI and Python read one configuration."""

import json
import threading

import pytest

from attesta import ActionContext, Attesta, AttestaDenied, Verdict, gate

from conftest import FAST_POLICY


def write_some_decisions(attesta):
    @attesta.gate
    def read_file(path):
        return "content"

    @attesta.gate(risk="critical")
    def drop_database(name):
        return "dropped"

    read_file("notes.txt")
    with pytest.raises(AttestaDenied):
        drop_database("prod")
    attesta.evaluate_sync(ActionContext("send_email", kwargs={"to": "ceo@example.com", "api_key": "sk-live-1234567890abcdef"}))


def test_python_log_verifies_with_the_cli(attesta_bin):
    attesta = Attesta(audit_path="audit.jsonl")
    write_some_decisions(attesta)
    out = attesta_bin("audit", "verify", "--log", "audit.jsonl", "--json")
    assert out.returncode == 0, out.stdout + out.stderr
    assert json.loads(out.stdout)
    entries = [json.loads(l) for l in open("audit.jsonl")]
    assert entries[0]["previous_hash"] == "genesis"
    assert [e["verdict"] for e in entries] == ["approved", "denied", "denied"]
    assert all(e["metadata"]["source"] == "python" for e in entries)
    # Secrets are redacted before anything is written.
    assert "sk-live-1234567890abcdef" not in open("audit.jsonl").read()


def test_tampering_is_detected_by_the_cli(attesta_bin):
    attesta = Attesta(audit_path="audit.jsonl")
    write_some_decisions(attesta)
    lines = open("audit.jsonl").read().splitlines()
    forged = json.loads(lines[1])
    forged["verdict"] = "approved"
    lines[1] = json.dumps(forged)
    open("audit.jsonl", "w").write("\n".join(lines) + "\n")
    out = attesta_bin("audit", "verify", "--log", "audit.jsonl")
    assert out.returncode == 1
    assert "Broken at" in out.stdout + out.stderr


def test_python_and_cli_append_to_one_chain(attesta_bin, write_config):
    write_config("audit:\n  path: shared/audit.jsonl\ntrust:\n  store: shared/trust.json\n")
    attesta = Attesta.from_config("attesta.yaml")
    write_some_decisions(attesta)
    ctx = json.dumps({"function_name": "read_config", "kwargs": {"path": "app.yaml"}})
    open("action.json", "w").write(ctx)
    out = attesta_bin("evaluate", "-c", "attesta.yaml", "action.json")
    assert out.returncode in (0, 3), out.stderr
    write_some_decisions(attesta)
    verify = attesta_bin("audit", "verify", "--log", "shared/audit.jsonl")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    entries = [json.loads(l) for l in open("shared/audit.jsonl")]
    assert len(entries) == 7
    assert [e["seq"] for e in entries] == list(range(entries[0]["seq"], entries[0]["seq"] + 7))


def test_threads_append_safely(attesta_bin):
    attesta = Attesta(audit_path="audit.jsonl")

    @attesta.gate
    def read_file(path):
        return path

    def worker(n):
        for i in range(25):
            read_file(f"file-{n}-{i}.txt")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(open("audit.jsonl").read().splitlines()) == 100
    assert attesta_bin("audit", "verify", "--log", "audit.jsonl").returncode == 0


def test_cli_and_python_score_the_same(attesta_bin):
    actions = [
        {"function_name": "read_file", "kwargs": {"path": "notes.txt"}},
        {"function_name": "delete_file", "kwargs": {"path": "/etc/passwd"}},
        {"function_name": "execute_sql", "kwargs": {"query": "DROP TABLE users"}},
    ]
    open("actions.jsonl", "w").write("\n".join(json.dumps(a) for a in actions) + "\n")
    out = attesta_bin("score", "--json", "actions.jsonl")
    assert out.returncode == 0, out.stderr
    cli = [json.loads(l) for l in out.stdout.splitlines() if l.strip()]
    python = [Attesta(audit=False, trust=False).assess(ActionContext.from_dict(a)) for a in actions]
    cli_scores = [c.get("score", c.get("risk_score")) for c in cli]
    assert cli_scores == pytest.approx([p.score for p in python])


def test_config_errors_name_the_file_and_the_key(write_config):
    write_config("policy:\n  fail_mode: deny\n  timout_seconds: 5\n")
    with pytest.raises(ValueError) as info:
        Attesta.from_config("attesta.yaml")
    message = str(info.value)
    assert "attesta.yaml" in message
    assert "timout_seconds" in message
    assert "timeout_seconds" in message  # the suggestion


def test_missing_config_file():
    with pytest.raises(ValueError, match="not found"):
        Attesta.from_config("nope.yaml")


def test_env_interpolation_and_toml(write_config, monkeypatch):
    monkeypatch.setenv("AUDIT_DIR", "logs")
    write_config('[audit]\npath = "${AUDIT_DIR}/audit.jsonl"\n', name="attesta.toml")
    attesta = Attesta.from_config("attesta.toml")
    assert attesta.audit_path.endswith("logs/audit.jsonl")


def test_module_gate_discovers_the_config_file(write_config):
    write_config("risk:\n  overrides:\n    archive_logs: critical\n")

    @gate
    def archive_logs():
        return "archived"

    with pytest.raises(AttestaDenied) as info:
        archive_logs()
    assert info.value.result.risk_level.value == "critical"


def test_shadow_mode_runs_and_records_what_enforce_would_do(write_config):
    write_config("policy:\n  mode: shadow\n")
    attesta = Attesta.from_config("attesta.yaml")

    @attesta.gate(risk="high")
    def deploy():
        return "deployed"

    assert deploy() == "deployed"
    entry = json.loads(open(attesta.audit_path).read())
    assert entry["verdict"] == "approved"
    assert entry["metadata"]["enforced_verdict"] == "denied"
    assert entry["mode"] == "shadow"


def test_two_config_files_are_an_error_like_for_the_cli(write_config):
    write_config("policy: {}\n")
    write_config("{}", name="attesta.json")

    @gate
    def read_file():
        return "x"

    with pytest.raises(ValueError, match="keep one configuration file"):
        read_file()
