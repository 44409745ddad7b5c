#!/usr/bin/python3
"""Prints one SQL transaction that adds N synthetic clients (each with one
system administrator), N linkages of the bureau LINKED_BUREAU (a mix of
states) and an approval token for every 'requested' one, to a store that
`linkage init` and `registry import data/sample-registry.json` made.
Writes the plain approval tokens (one a line) to TOKENS_FILE.
Usage: seed_store.py N LINKED_BUREAU_ORGNR TOKENS_FILE > seed.sql"""
import hashlib
import secrets
import sys

n = int(sys.argv[1])
bureau_orgnr = sys.argv[2]
tokens_file = sys.argv[3]
now = "2026-01-01T00:00:00Z"
valid = "2099-01-01T00:00:00Z"


def luhn_digit(nine):
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


out = sys.stdout
out.write("BEGIN;\n")
# Synthetic legal persons 557xxxxxx-C (no sample client starts with 557);
# subscriptions 5000000+i, ids above the sample's.
base = 1_000_000
for i in range(n):
    nine = "557%06d" % i
    orgnr = "%s-%s%s" % (nine[:6], nine[6:], luhn_digit(nine))
    cid = base + i
    out.write("INSERT INTO clients (id, orgnr, subscription, name, created_at, updated_at) "
              "VALUES (%d,'%s','%d','Lastbolag %d AB','%s','%s');\n" % (cid, orgnr, 5_000_000 + i, i, now, now))
    out.write("INSERT INTO client_users (id, client_id, name, email, role, created_at, updated_at) "
              "VALUES (%d,%d,'Admin %d','admin%d@last.example','system_administrator','%s','%s');\n"
              % (cid, cid, i, i, now, now))
tokens = []
states = ["activated", "activated", "requested", "declined", "approved"]
for i in range(n):
    cid = base + i
    state = states[i % len(states)]
    decided = "NULL" if state == "requested" else "'%s'" % now
    out.write("INSERT INTO linkages (id, bureau_id, client_id, state, source, requested_by, created_at, updated_at, "
              "decided_at) VALUES (%d,(SELECT id FROM bureaus WHERE orgnr='%s'),%d,'%s','digital','last','%s','%s',%s);\n"
              % (cid, bureau_orgnr, cid, state, now, now, decided))
    if state == "requested":
        t = secrets.token_urlsafe(32)
        tokens.append(t)
        out.write("INSERT INTO approval_tokens (linkage_id, client_user_id, token_hash, created_at, valid_until) "
                  "VALUES (%d,%d,'%s','%s','%s');\n" % (cid, cid, hashlib.sha256(t.encode()).hexdigest(), now, valid))
out.write("COMMIT;\n")
with open(tokens_file, "w") as f:
    f.write("\n".join(tokens) + "\n")
