#!/usr/bin/python3
"""Runs `linkage ARGS…` on a pseudo-terminal, answers its password prompts
with the given entries, and prints what the terminal showed (as UTF-8) and the
exit status. Usage: tty_password.py LINKAGE ENTRY1 ENTRY2 -- ARGS…"""
import os
import pty
import sys
import time

linkage, first, second = sys.argv[1], sys.argv[2], sys.argv[3]
args = sys.argv[sys.argv.index("--") + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(linkage, [linkage] + args)

seen = b""


def read_until(marker, timeout=20.0):
    global seen
    end = time.time() + timeout
    while marker not in seen and time.time() < end:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    return marker in seen


for entry, prompt in ((first, "Nytt lösenord".encode()), (second, "Upprepa lösenordet".encode())):
    if not read_until(prompt):
        break
    time.sleep(0.2)  # let the program turn echo off before the keys arrive
    os.write(fd, entry.encode() + b"\r")
    time.sleep(0.1)
# The rest of the output, until the program ends.
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode("utf-8", "replace"))
sys.stdout.write("\nEXIT %d\n" % os.waitstatus_to_exitcode(status))
