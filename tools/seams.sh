#!/usr/bin/env bash
# Prints the seam measures of issue 20 for the tree it lives in:
#   1. SQL statements outside src/store (string literals that start a statement);
#   2. functions over 80 lines in src/ (universal-ctags), each marked with whether a
#      "// Over 80 lines: <why>" comment stands in the 3 lines above it;
#   3. the module edges that must not exist (web/review → batch, read → align);
#   4. bare std::runtime_error throws in src/ (the exit code comes from core/error.hpp).
#   5. with --duplicates: `duplicates --most 40` on src/ (the tool library's checker).
# Usage: tools/seams.sh [--duplicates]     Needs: universal-ctags (apt-get install universal-ctags), python3.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== SQL statements outside src/store"
kw='(SELECT|INSERT|UPDATE|DELETE|PRAGMA|CREATE|DROP|ALTER|BEGIN|COMMIT|VACUUM|ATTACH) '
sql=$(grep -rnE "(prepare|exec|execute|scalar)\([^\"]*\"$kw|^\s+\"$kw" src \
      --include=*.cpp --include=*.hpp | grep -v '^src/store/' || true)
if [ -n "$sql" ]; then echo "$sql"; fi
echo "count: $(printf '%s' "$sql" | grep -c . || true)"

echo
echo "== functions over 80 lines in src/"
if ! command -v ctags >/dev/null 2>&1; then
  echo "(skipped: ctags not found; apt-get install universal-ctags)"
else
  ctags -R --languages=C++ --kinds-C++=f --fields=+ne --output-format=json -f - src | python3 -c '
import json, sys
rows = []
for line in sys.stdin:
    t = json.loads(line)
    if "end" not in t:
        continue
    n = t["end"] - t["line"] + 1
    if n <= 80:
        continue
    with open(t["path"], encoding="utf-8") as f:
        lines = f.read().split("\n")
    above = lines[max(0, t["line"] - 4):t["line"] - 1]
    why = any("Over 80 lines:" in l for l in above)
    name = (t.get("scope", "") + "::" if t.get("scope") else "") + t["name"]
    rows.append((n, name, "%s:%d" % (t["path"], t["line"]), why))
rows.sort(reverse=True)
for n, name, where, why in rows:
    print("%5d  %-40s %-40s %s" % (n, name, where, "explained" if why else "NOT EXPLAINED"))
print("count: %d (unexplained: %d)" % (len(rows), sum(1 for r in rows if not r[3])))
'
fi

echo
echo "== forbidden edges (includes)"
edges=$( (grep -rn '#include "batch/' src/web src/review || true; grep -rn '#include "align/' src/read || true) )
if [ -n "$edges" ]; then echo "$edges"; fi
echo "count: $(printf '%s' "$edges" | grep -c . || true)"

echo
echo "== bare std::runtime_error throws in src/"
bare=$(grep -rn 'throw std::runtime_error' src || true)
if [ -n "$bare" ]; then echo "$bare"; fi
echo "count: $(printf '%s' "$bare" | grep -c . || true)"

if [ "${1:-}" = --duplicates ]; then
  echo
  echo "== duplicates --most 40 (src/)"
  dup=$(command -v duplicates || echo /work/.library/duplicates)
  "$dup" --repo src --most 40 --seconds 120 || true
fi
