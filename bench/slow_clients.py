#!/usr/bin/env python3
"""Slow and silent HTTP clients for bench/load.sh (issue 16): keeps N
connections open to 127.0.0.1:PORT from several 127.0.0.x source addresses
(loopback only). Half trickle a request head one byte every TRICKLE seconds,
half send nothing; a connection the server closes is opened again at once,
as an attacker would. Prints the number open once all are, then runs until
SECONDS have passed or it is killed.
  slow_clients.py PORT [N=500] [SECONDS=60] [TRICKLE=2] [ADDRESSES=20]
"""
import selectors
import socket
import sys
import time

port = int(sys.argv[1])
n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
duration = float(sys.argv[3]) if len(sys.argv) > 3 else 60
trickle = float(sys.argv[4]) if len(sys.argv) > 4 else 2
addresses = int(sys.argv[5]) if len(sys.argv) > 5 else 20
HEAD = b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 4000

sel = selectors.DefaultSelector()
conns = {}  # socket -> [index, bytes sent]
reconnects = 0


def open_one(i):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((f"127.0.0.{2 + i % addresses}", 0))
    s.setblocking(False)
    try:
        s.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    conns[s] = [i, 0]
    sel.register(s, selectors.EVENT_READ)


for i in range(n):
    open_one(i)
print(f"slow clients: {n} open ({n // 2} trickling, {n - n // 2} silent) from {addresses} addresses", flush=True)
end = time.monotonic() + duration
next_tick = time.monotonic()
while time.monotonic() < end:
    for key, _ in sel.select(timeout=0.2):
        s = key.fileobj
        try:
            data = s.recv(65536)
        except OSError:
            data = b""
        if not data:  # closed by the server: come back
            i = conns.pop(s)[0]
            sel.unregister(s)
            s.close()
            reconnects += 1
            open_one(i)
    if time.monotonic() >= next_tick:
        next_tick += trickle
        for s, st in list(conns.items()):
            if st[0] % 2 == 0 and st[1] < len(HEAD):
                try:
                    s.send(HEAD[st[1]:st[1] + 1])
                    st[1] += 1
                except OSError:
                    pass
print(f"slow clients: done, {reconnects} reconnects after the server closed them", flush=True)
