"""The default reviewer from Python: in a terminal, Attesta asks on the controlling terminal
(/dev/tty). Driven through a real pseudo-terminal."""

import os
import pty
import select
import sys
import time


CHILD = """
import sys
from attesta import Attesta, ActionContext, AttestaDenied
attesta = Attesta({"policy": {"minimum_review_seconds": {"medium": 0}}}, audit_path="audit.jsonl")
print("REVIEWER", attesta.reviewer_name, flush=True)

@attesta.gate(risk="medium")
def restart_service(name):
    return "restarted " + name

try:
    print("RESULT", restart_service("api"), flush=True)
except AttestaDenied as denied:
    print("RESULT denied:", denied.result.verdict.value, flush=True)
"""


def run_in_pty(answer: bytes, timeout: float = 30.0) -> str:
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.execv(sys.executable, [sys.executable, "-c", CHILD])
    output = b""
    sent = False
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                output += chunk
            if not sent and b"Approve?" in output:
                os.write(fd, answer)
                sent = True
            if b"RESULT" in output and output.endswith(b"\n"):
                break
    finally:
        os.waitpid(pid, 0)
        os.close(fd)
    return output.decode(errors="replace")


def test_terminal_reviewer_approves_from_python():
    out = run_in_pty(b"y\n")
    assert "REVIEWER terminal" in out
    assert "restart_service" in out and "Challenge:" in out
    assert "RESULT restarted api" in out


def test_terminal_reviewer_denies_from_python():
    out = run_in_pty(b"n\n")
    assert "RESULT denied: denied" in out
