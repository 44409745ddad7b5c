#!/usr/bin/python3
"""Self-test of check_realworld.py: it must fail on a wrong accept, a wrong value,
a crash and a strict mismatch, and pass when every result is as the truth says."""
import contextlib
import io
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_realworld  # noqa: E402

VALUES = {"client_orgnr": "559456-7892", "signer_name": "Karin Åkesson"}


def truth(name, cls, expected, allowed, must_not, strict=True, reasons_any=()):
    doc = {"index": 0, "pages": [1], "values": VALUES, "expected_outcome": expected, "allowed_outcomes": allowed,
           "expected_reasons": [], "must_not": must_not, "strict": strict, "reasons_any": list(reasons_any)}
    return {"file": name, "class": cls, "tool": "test", "documents": [doc], "pages": [{"page": 1}]}


def result(name, outcome, reasons=(), fields=VALUES):
    return {"file": name, "page": 1, "outcome": outcome, "reasons": list(reasons), "fields": dict(fields),
            "confidence": {}}


def run(truths, results, *args):
    with tempfile.TemporaryDirectory() as d:
        for t in truths:
            with open(os.path.join(d, t["file"] + ".truth.json"), "w", encoding="utf-8") as f:
                json.dump(t, f, ensure_ascii=False)
        with open(os.path.join(d, "manifest.json"), "w") as f:
            json.dump({"seed": "t", "today": "2026-12-01"}, f)
        out = os.path.join(d, "out.jsonl")
        with open(out, "w", encoding="utf-8") as f:
            for r in results:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        with contextlib.redirect_stdout(io.StringIO()) as s:
            rc = check_realworld.main([d, out] + list(args))
        return rc, s.getvalue()


def main():
    good = truth("good.pdf", "print", "accepted", ["accepted", "review"], [])
    stamp = truth("stamp.pdf", "attack", "review", ["review", "rejected"], ["accepted"],
                  reasons_any=["signature_unclear", "unsigned"])
    loose = truth("loose.pdf", "print", "accepted", ["accepted"], [], strict=False)
    ok_results = [result("good.pdf", "accepted"), result("stamp.pdf", "review", ["signature_unclear"]),
                  result("loose.pdf", "review", ["low_confidence"])]
    cases = [
        ("all as the truth says (a non-strict mismatch only reported)", ok_results, (), 0),
        ("wrong accept", [ok_results[0], result("stamp.pdf", "accepted"), ok_results[2]], (), 1),
        ("wrong accept, even with --no-strict", [ok_results[0], result("stamp.pdf", "accepted"), ok_results[2]],
         ("--no-strict",), 1),
        ("wrong value", [result("good.pdf", "accepted", fields=dict(VALUES, client_orgnr="559456-7893")),
                         ok_results[1], ok_results[2]], (), 1),
        ("a file without result", ok_results[:2], (), 1),
        ("batch exit code 4", ok_results, ("--exit-code", "4"), 1),
        ("internal_error", [ok_results[0], result("stamp.pdf", "rejected", ["internal_error"]), ok_results[2]], (), 1),
        ("strict: outcome not allowed", [result("good.pdf", "rejected", ["not_a_form"])] + ok_results[1:], (), 1),
        ("strict: none of reasons_any", [ok_results[0], result("stamp.pdf", "rejected", ["unsupported_format"]),
                                         ok_results[2]], (), 1),
        ("--no-strict reports a strict mismatch", [result("good.pdf", "rejected", ["not_a_form"])] + ok_results[1:],
         ("--no-strict",), 0),
    ]
    failed = 0
    for what, results, args, want in cases:
        rc, out = run([good, stamp, loose], results, *args)
        status = "ok" if rc == want else "FAILED"
        failed += rc != want
        print("%-6s %s (exit %d, wanted %d)" % (status, what, rc, want))
        if rc != want:
            print(out)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
