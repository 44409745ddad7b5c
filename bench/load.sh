#!/usr/bin/env bash
# Load test of the digital path (issue 8). Prints figures; asserts nothing.
#   bench/load.sh [SECONDS=15] [CONNECTIONS=32]
# Seeds a store with 100,000 clients (each with a system administrator) and
# 100,000 linkages in one SQL transaction (bench/seed_store.py), starts
# `linkage serve` on loopback, and runs wrk (2 threads, loopback only) for
# SECONDS against:
#   GET  /api/v1/clients/search?q=ORGNR&subscription=SUBSCRIPTION   (bench/search.lua)
#   POST /api/v1/linkage-requests                (bench/request.lua, a distinct client per request)
#   GET  /approve/TOKEN                          (bench/approve.lua, 20,000 seeded tokens)
# Targets (issue 8): approval page >= 5,000 req/s with p99 < 20 ms; request
# creation >= 1,000 req/s (mail queued, not sent inline). Then the same three
# runs while bench/slow_clients.py holds 500 slow or silent connections open
# (issue 16: the targets must hold there too).
# The load comes from one API token at thousands of requests a second, so the
# server runs with limits.requests_per_token_per_minute raised to 100,000,000
# (the limiter still counts every request; the default of 1,200 would answer
# 429 after the first burst), and likewise limits.searches_per_user_per_day
# (the quota still counts every search; the default of 200 would answer 429).
# The search names each client by both numbers, so every answer is a full one.
# LINKAGE_BIN overrides the program (default build/linkage).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-15}
CONNS=${2:-32}
BIN=${LINKAGE_BIN:-$PWD/build/linkage}
PY=/usr/bin/python3
N=100000
WORK=$(mktemp -d /tmp/linkage-load.XXXXXX)
HOME_DIR=$WORK/home
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "load.sh: wrk missing (./setup installs it)" >&2; exit 4; }
[ -x "$BIN" ] || { echo "load.sh: $BIN missing (run ./setup)" >&2; exit 4; }

echo "== seeding $N clients and $N linkages"
t0=$(date +%s.%N)
"$BIN" --home "$HOME_DIR" init >/dev/null
"$BIN" --home "$HOME_DIR" registry import data/sample-registry.json >/dev/null
# The seeded linkages belong to Ekonomihuset Väst; the load's requests come
# from Norrsken (anna.norrsken), so every seeded client is free for them.
"$PY" bench/seed_store.py "$N" 559234-5671 "$WORK/tokens.txt" >"$WORK/seed.sql"
sqlite3 "$HOME_DIR/linkage.db" <"$WORK/seed.sql"
t1=$(date +%s.%N)
echo "store: $(sqlite3 "$HOME_DIR/linkage.db" 'SELECT count(*) FROM clients') clients," \
  "$(sqlite3 "$HOME_DIR/linkage.db" 'SELECT count(*) FROM linkages') linkages," \
  "$(wc -l <"$WORK/tokens.txt") approval tokens; seeded in $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}') s"
API_TOKEN=$("$BIN" --home "$HOME_DIR" user token anna.norrsken | grep -oE '[A-Za-z0-9_-]{43}' | head -n1)
[ -n "$API_TOKEN" ] || { echo "load.sh: could not make an API token" >&2; exit 70; }

PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
LINKAGE_LIMITS_REQUESTS_PER_TOKEN_PER_MINUTE=100000000 LINKAGE_LIMITS_SEARCHES_PER_USER_PER_DAY=100000000 LINKAGE_SERVER_OPS_PORT=0 \
  "$BIN" --home "$HOME_DIR" serve --address 127.0.0.1 --port "$PORT" >"$WORK/access.log" 2>"$WORK/serve.err" &
SERVER_PID=$!
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  sleep 0.1
done

export LOAD_API_TOKEN=$API_TOKEN LOAD_CLIENTS=$N LOAD_TOKENS_FILE=$WORK/tokens.txt
run() {  # name lua
  local name=$1 lua=$2 out
  out=$(wrk -t2 -c"$CONNS" -d"${SECONDS_EACH}s" --latency -s "bench/$lua" "http://127.0.0.1:$PORT" 2>&1)
  local rps p50 p99 non2xx
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  printf '%-34s %10s req/s   p50 %9s   p99 %9s   non-2xx %s\n' "$name" "$rps" "$p50" "$p99" "${non2xx:-0}"
  if [ -n "${LOAD_VERBOSE:-}" ]; then echo "$out"; fi
}
echo "== wrk: 2 threads, $CONNS connections, ${SECONDS_EACH} s each, loopback"
run "GET /api/v1/clients/search" search.lua
run "POST /api/v1/linkage-requests" request.lua
run "GET /approve/TOKEN" approve.lua

# The same WHILE 500 slow or silent connections are open (issue 16): half
# trickle a head one byte every 2 s, half say nothing, from 20 addresses,
# reconnecting whenever the server's head deadline closes them.
"$PY" bench/slow_clients.py "$PORT" 500 $((SECONDS_EACH * 3 + 30)) 2 20 >"$WORK/slow.log" 2>&1 &
SLOW_PID=$!
sleep 3
head -n1 "$WORK/slow.log"
echo "== the same with 500 slow connections open"
run "GET /api/v1/clients/search (slow)" search.lua
LOAD_QUARTER_OFFSET=2 run "POST /api/v1/linkage-requests (slow)" request.lua
run "GET /approve/TOKEN (slow)" approve.lua
kill "$SLOW_PID" 2>/dev/null || true
wait "$SLOW_PID" 2>/dev/null || true
created=$(sqlite3 "$HOME_DIR/linkage.db" "SELECT count(*) FROM linkages WHERE source='digital' AND requested_by<>'last'")
queued=$(sqlite3 "$HOME_DIR/linkage.db" "SELECT count(*) FROM mail_queue")
echo "requests created: $created; mails queued or sent: $queued"
if grep -qi "database is locked" "$WORK/serve.err" "$WORK/access.log"; then echo "WARNING: 'database is locked' in the server's output"; fi
