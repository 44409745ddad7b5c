#!/usr/bin/python3
"""Runs a command on a pseudo-terminal (stdout and stderr both the terminal, as
for a person at a shell) and writes every byte it wrote to OUT_FILE; exits with
its exit status. Usage: pty_run.py OUT_FILE COMMAND [ARGS…]"""
import os
import pty
import sys

out_file, argv = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
seen = b""
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
_, status = os.waitpid(pid, 0)
with open(out_file, "wb") as f:
    f.write(seen)
sys.exit(os.waitstatus_to_exitcode(status))
