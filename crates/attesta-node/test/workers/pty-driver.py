"""Runs a command on a fresh pseudo-terminal (its controlling terminal), types `answer` when the
prompt appears, and prints everything the command wrote (terminal.test.mjs)."""
import os
import pty
import select
import sys
import time

answer, prompt, command = sys.argv[1].encode().decode("unicode_escape").encode(), sys.argv[2].encode(), sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(command[0], command)
output = b""
sent = False
deadline = time.monotonic() + 60
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
        if not sent and prompt in output:
            os.write(fd, answer)
            sent = True
        if b"RESULT" in output and output.rstrip().endswith(b"END"):
            break
finally:
    _, status = os.waitpid(pid, 0)
    os.close(fd)
sys.stdout.write(output.decode(errors="replace"))
sys.exit(0 if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 else 1)
