#!/usr/bin/python3
"""Compares `linkage batch --json` output with the truth files of a generated set.

usage: check_corpus.py TRUTH_DIR BATCH_JSON_OUTPUT [--min-accepted FRACTION]

Checks, per input file and per form in it (matched by page): the outcome is
one the truth allows, every expected reason is reported, and every value of
an accepted form equals the value drawn. A form accepted against the truth is
a WRONG ACCEPT and always fails. With --min-accepted, also fails when fewer
than FRACTION of the forms that may be accepted were accepted. Prints a table and the closing line
'N passed, N failed'; exit 1 on any failure.
"""
import json
import os
import sys


def main():
    truth_dir, output = sys.argv[1], sys.argv[2]
    min_accepted = float(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--min-accepted" else None
    acceptable, accepted = 0, 0
    truths = {}
    for name in os.listdir(truth_dir):
        if name.endswith(".truth.json"):
            with open(os.path.join(truth_dir, name), encoding="utf-8") as f:
                t = json.load(f)
            truths[t["file"]] = t
    results = {}
    with open(output, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                r = json.loads(line)
                results.setdefault(r["file"], []).append(r)

    passed, failed, wrong_accepts = 0, 0, 0
    field_total, field_right = 0, 0
    problems = []
    for name, t in sorted(truths.items()):
        got = results.get(name, [])
        docs = t.get("documents") or []
        if t.get("expected_outcome") == "duplicate" or t.get("format") == "corrupt" or not docs:
            expected = t.get("expected_outcome")
            ok = len(got) == 1 and got[0]["outcome"] == expected and \
                set(t.get("expected_reasons", [])) <= set(got[0]["reasons"])
            if expected != "accepted" and any(g["outcome"] == "accepted" for g in got):
                wrong_accepts += 1
                ok = False
            if ok:
                passed += 1
            else:
                failed += 1
                problems.append("%s: expected %s %s, got %s" % (
                    name, expected, t.get("expected_reasons"), [(g["outcome"], g["reasons"]) for g in got]))
            continue
        by_page = {g.get("page"): g for g in got}
        if len(got) != len(docs):
            failed += 1
            problems.append("%s: expected %d documents, got %d" % (name, len(docs), len(got)))
        for d in docs:
            g = by_page.get(d["pages"][0])
            if g is None:
                failed += 1
                problems.append("%s page %s: no result" % (name, d["pages"][0]))
                continue
            ok = g["outcome"] in d["allowed_outcomes"] and set(d["expected_reasons"]) <= set(g["reasons"])
            if "accepted" in d["allowed_outcomes"]:
                acceptable += 1
                accepted += g["outcome"] == "accepted"
            if g["outcome"] == "accepted":
                if "accepted" not in d["allowed_outcomes"]:
                    wrong_accepts += 1
                    ok = False
                for k, v in d["values"].items():
                    field_total += 1
                    if g["fields"].get(k) == v:
                        field_right += 1
                    else:
                        ok = False
                        wrong_accepts += 1
                        problems.append("%s page %s: WRONG VALUE %s=%r, drawn %r" % (
                            name, d["pages"][0], k, g["fields"].get(k), v))
            if ok:
                passed += 1
            else:
                failed += 1
                problems.append("%s page %s: expected %s %s, got %s %s (conf %s)" % (
                    name, d["pages"][0], d["allowed_outcomes"], d["expected_reasons"], g["outcome"], g["reasons"],
                    {k: round(v) for k, v in g["confidence"].items() if v < 90}))
    for p in problems:
        print("  " + p)
    print("wrong accepts: %d" % wrong_accepts)
    if field_total:
        print("accepted field values right: %d/%d" % (field_right, field_total))
    if acceptable:
        print("accepted automatically: %d/%d forms that may be accepted (%.1f %%)" %
              (accepted, acceptable, 100.0 * accepted / acceptable))
    if min_accepted is not None and accepted < min_accepted * acceptable:
        print("  too few accepted: wanted at least %.0f %%" % (100 * min_accepted))
        failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or wrong_accepts else 0


if __name__ == "__main__":
    sys.exit(main())
