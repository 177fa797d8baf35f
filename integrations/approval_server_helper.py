"""Test helper shared by the integration suites: the real `attesta` binary and a real approval
server (`attesta serve`) on a free loopback port with a temporary SQLite database."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, Optional


class MissingBinary(RuntimeError):
    pass


def attesta_bin() -> str:
    """The real `attesta` binary: $ATTESTA_BIN (scripts/test-integrations.sh sets it), else PATH."""
    path = os.environ.get("ATTESTA_BIN") or shutil.which("attesta")
    if not path or not os.path.exists(path):
        raise MissingBinary("the attesta binary is needed: build it (cargo build -p attesta-cli) and set ATTESTA_BIN")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ApprovalServer:
    """`attesta serve` on a free loopback port with a temporary SQLite database."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.db = str(workdir / "server.db")
        # The server's own policy: every level below critical asks for a confirm, with a short
        # minimum review time so the test's approver can answer quickly.
        (workdir / "attesta.yaml").write_text(
            "policy:\n"
            "  challenge_map: {low: confirm, medium: confirm, high: confirm}\n"
            "  minimum_review_seconds: {low: 1, medium: 1, high: 1, critical: 1}\n"
            "  timeout_seconds: 120\n"
            "trust:\n  enabled: false\n"
        )
        self.process: Optional[subprocess.Popen] = None
        self.url = ""

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [attesta_bin(), *args],
            cwd=self.workdir,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "NO_COLOR": "1"},
        )
        assert done.returncode == 0, f"attesta {' '.join(args)} failed: {done.stderr}"
        return done.stdout.strip()

    def start(self) -> None:
        self.agent_token = self.cli("serve", "--db", self.db, "add-agent", "dify-bot")
        self.approver_token = self.cli("serve", "--db", self.db, "add-approver", "alice")
        self.process = subprocess.Popen(
            [attesta_bin(), "serve", "--listen", "127.0.0.1:0", "--db", self.db],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
        )
        assert self.process.stderr is not None
        line = self.process.stderr.readline()
        words = [w for w in line.split() if w.startswith("http://")]
        assert words, f"attesta serve did not report its address: {line!r}"
        self.url = words[0]
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            assert time.monotonic() < deadline, "attesta serve never became healthy"
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def api(self, method: str, path: str, token: str, body: Any = None) -> tuple:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def wait_pending(self, action: str, timeout: float = 30.0) -> Dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            status, body = self.api("GET", "/v1/requests?status=pending", self.approver_token)
            assert status == 200, body
            for request in body["requests"]:
                if request["action"] == action:
                    return request
            assert time.monotonic() < deadline, f"no pending request for {action}"
            time.sleep(0.1)


