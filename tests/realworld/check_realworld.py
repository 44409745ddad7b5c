#!/usr/bin/python3
"""Judges `linkage batch --json` on the real-world corpus (make_realworld.py).

usage: check_realworld.py TRUTH_DIR BATCH_JSONL [--exit-code N] [--no-strict] [--quiet]

FAILS (exit 1) on
  - a WRONG ACCEPT: a document accepted whose truth says must_not accepted or
    does not allow accepted, or an accepted value that differs from the truth;
  - a crash: batch exit code other than 0 (4 = configuration, 70 = internal),
    a file without any result, or a result with reason internal_error;
  - a strict mismatch (truth `strict: true`): an outcome the truth does not
    allow, a missing expected reason, or none of `reasons_any`
    (--no-strict turns these into reported mismatches).
Other mismatches (non-strict documents) are reported only.
Prints the seed, a table per class (outcome counts, reasons, failures) and
one line per document that is not as its truth says.
"""
import argparse
import collections
import json
import os
import sys

OUTCOMES = ["accepted", "review", "rejected", "duplicate"]


def load(truth_dir, output):
    truths = {}
    for name in sorted(os.listdir(truth_dir)):
        if name.endswith(".truth.json"):
            with open(os.path.join(truth_dir, name), encoding="utf-8") as f:
                t = json.load(f)
            truths[t["file"]] = t
    results = collections.defaultdict(list)
    if os.path.exists(output):
        with open(output, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line:
                    r = json.loads(line)
                    results[r["file"]].append(r)
    manifest = {}
    mp = os.path.join(truth_dir, "manifest.json")
    if os.path.exists(mp):
        with open(mp, encoding="utf-8") as f:
            manifest = json.load(f)
    return truths, results, manifest


def result_for(doc, got, n_docs):
    """The batch result of one document: by its first page; a whole-file result stands for every document."""
    by_page = {g.get("page"): g for g in got}
    g = by_page.get(doc["pages"][0])
    if g is None and len(got) == 1:
        g = got[0]
    return g


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("truth_dir")
    p.add_argument("output")
    p.add_argument("--exit-code", type=int, default=0, help="exit code of the batch run")
    p.add_argument("--no-strict", action="store_true")
    p.add_argument("--quiet", action="store_true", help="list failures only, not every mismatch")
    a = p.parse_args(argv)
    truths, results, manifest = load(a.truth_dir, a.output)

    print("real-world corpus: seed %s, today %s, %d files, %d documents%s" % (
        manifest.get("seed"), manifest.get("today"), len(truths), sum(len(t["documents"]) for t in truths.values()),
        ("; skipped when generating: " + "; ".join(manifest["skipped"])) if manifest.get("skipped") else ""))
    failures, mismatches = [], []
    wrong_accepts, crashes, strict_fails = 0, 0, 0
    if a.exit_code != 0:
        crashes += 1
        failures.append("batch exit code %d (0 expected)" % a.exit_code)
    table = collections.OrderedDict()
    values_total = values_right = 0
    for name, t in truths.items():
        cls = t.get("class", "?")
        row = table.setdefault(cls, {"docs": 0, "outcomes": collections.Counter(), "reasons": collections.Counter(),
                                     "wrong": 0, "strict": 0, "mismatch": 0, "ok": 0})
        got = results.get(name, [])
        if not got:
            crashes += 1
            failures.append("%s: no result at all (crash?)" % name)
        for g in got:
            if "internal_error" in g.get("reasons", []):
                crashes += 1
                failures.append("%s page %s: internal_error %s" % (name, g.get("page"), g.get("note", "")))
        for d in t["documents"]:
            row["docs"] += 1
            where = "%s page %s" % (name, d["pages"][0])
            g = result_for(d, got, len(t["documents"]))
            if g is None:
                row["outcomes"]["(none)"] += 1
                if got:
                    mismatches.append("%s: no result for this page (results for pages %s)" % (
                        where, sorted(x.get("page") for x in got)))
                    if d.get("strict") and not a.no_strict:
                        strict_fails += 1
                        row["strict"] += 1
                continue
            outcome, reasons = g["outcome"], g.get("reasons", [])
            row["outcomes"][outcome] += 1
            for r in reasons:
                row["reasons"][r] += 1
            problems = []
            wrong = False
            if outcome in d.get("must_not", []) or (outcome == "accepted" and "accepted" not in d["allowed_outcomes"]):
                wrong = True
                problems.append("WRONG ACCEPT (truth: %s, must not %s)" % (d["expected_outcome"], d.get("must_not")))
            if outcome == "accepted":
                for k, v in d["values"].items():
                    values_total += 1
                    if g.get("fields", {}).get(k) == v:
                        values_right += 1
                    else:
                        wrong = True
                        problems.append("WRONG VALUE %s=%r, truth %r" % (k, g.get("fields", {}).get(k), v))
            miss = []
            if outcome not in d["allowed_outcomes"]:
                miss.append("outcome %s not in %s" % (outcome, d["allowed_outcomes"]))
            missing = set(d.get("expected_reasons", [])) - set(reasons)
            if missing:
                miss.append("missing reasons %s" % sorted(missing))
            if d.get("reasons_any") and outcome != "accepted" and not set(d["reasons_any"]) & set(reasons):
                miss.append("none of %s" % d["reasons_any"])
            low = {k: round(v) for k, v in g.get("confidence", {}).items() if v < 90}
            desc = "%s: got %s %s%s; truth %s [%s]" % (
                where, outcome, reasons, (" conf " + str(low)) if low else "", d["expected_outcome"], t.get("tool", ""))
            if wrong:
                wrong_accepts += 1
                row["wrong"] += 1
                failures.append(desc + " — " + "; ".join(problems))
            elif miss and d.get("strict") and not a.no_strict:
                strict_fails += 1
                row["strict"] += 1
                failures.append(desc + " — STRICT: " + "; ".join(miss))
            elif miss:
                row["mismatch"] += 1
                mismatches.append(desc + " — " + "; ".join(miss) + (" (strict)" if d.get("strict") else ""))
            else:
                row["ok"] += 1

    print()
    head = "%-7s %5s %5s " % ("class", "docs", "as-truth") + " ".join("%9s" % o for o in OUTCOMES) + \
        " %6s %6s %8s  reasons"
    print(head % ("wrong", "strict", "mismatch"))
    for cls, row in table.items():
        print("%-7s %5d %8d " % (cls, row["docs"], row["ok"]) +
              " ".join("%9d" % row["outcomes"].get(o, 0) for o in OUTCOMES) +
              " %6d %6d %8d  %s" % (row["wrong"], row["strict"], row["mismatch"],
                                     ", ".join("%s %d" % kv for kv in row["reasons"].most_common())))
    if failures:
        print("\nFAILURES:")
        for f in failures:
            print("  " + f)
    if mismatches and not a.quiet:
        print("\nreported (not failing):")
        for m in mismatches:
            print("  " + m)
    print()
    if values_total:
        print("accepted field values right: %d/%d" % (values_right, values_total))
    print("wrong accepts: %d, crashes: %d, strict failures: %d%s" % (
        wrong_accepts, crashes, strict_fails, " (not counted: --no-strict)" if a.no_strict else ""))
    return 1 if wrong_accepts or crashes or (strict_fails and not a.no_strict) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
