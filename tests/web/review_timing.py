#!/usr/bin/python3
"""Scripted reviewer (issue 17): times the review screen on queued documents
of different reasons, driven in headless Chromium over the DevTools protocol
with the keyboard only (access keys, typing, Enter).

Sets up a state directory with `linkage demo` (which leaves one document in
review), scans nine more forms with one defect each (tests/support/make_scans.py
paints them on the real blank form; the pipeline reads them with OCR in
`linkage batch`), starts `linkage serve`, signs in as a staff user and works
through the queue the way a person would: read the page (failed fields,
"Ta in registrets värde" buttons, the registry's administrators, Nästa steg),
press the access key that takes the registry's value, press Enter; a rule that
still fails for a value the paper lacks is approved with a typed override
reason; a form that cannot be approved is rejected with the proposed reason
(Alt+U, Enter). Prints one line per document, the median seconds per document
as driven, the key presses, and a person's time by the keystroke-level model
(1.35 s per decision step, 0.28 s per key, plus the measured page time).

usage: review_timing.py [--linkage build/linkage] [--keep DIR] [--json FILE] [--shots DIR] [--docs N] [--setup-only]
Exit 0 when every document was finished (approved or rejected) by keyboard.
"""
import argparse
import base64
import datetime
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
import cdp_drive  # noqa: E402
import make_scans  # noqa: E402

STAFF, PASSWORD = "stina", "granska-noga-1"

# Access-key letters of the review page (templates/web/review-document.mustache).
KEY_CODES = {c: ("Key" + c.upper(), ord(c.upper())) for c in "abcdefghijklmnopqrstuvwxyz"}
KEY_CODES.update({str(d): ("Digit%d" % d, 48 + d) for d in range(10)})


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def defects(reg, today):
    """Nine forms, each with one defect a reviewer fixes (or rejects). (label, values, what the paper says)."""
    rng = random.Random("review-timing")
    akesson = next(c for c in reg.clients if c["name"].startswith("Åkesson"))
    oresund = next(c for c in reg.clients if c["name"].startswith("Öresunds"))
    angs = next(c for c in reg.clients if c["name"].startswith("Ängsbacka"))
    norrsken = next(b for b in reg.bureaus if b["name"].startswith("Redovisningsbyrån"))
    eko = next(b for b in reg.bureaus if b["name"].startswith("Ekonomihuset"))

    def v(bureau, client, **over):
        out = reg.values(rng, today, bureau=bureau, client=client)
        out["date"] = (today - datetime.timedelta(days=3)).isoformat()
        out.update(over)
        return out

    bad_orgnr = akesson["orgnr"][:-1] + str((int(akesson["orgnr"][-1]) + 3) % 10)
    unknown_bureau = make_scans.with_check_digit("559977310")
    out = [
        # Nothing on the paper for e-mail and place: the e-mail from the registry, the place by override.
        ("empty-email-place", v(eko, oresund, signer_email="", place=""), {}),
        ("check-digit", v(norrsken, angs, client_orgnr=angs["orgnr"][:-1] + str((int(angs["orgnr"][-1]) + 4) % 10)), {}),
        ("foreign-subscription", v(eko, akesson, client_subscription=oresund["subscription"]), {}),
        ("client-name", v(norrsken, oresund, client_name="Öresunds Fiskhandel och Rökeri AB"), {}),
        ("signer-email", v(eko, angs, signer_email="elin.privat@example.com"), {}),
        ("bureau-name", v(eko, akesson, bureau_name="Ekonomikontoret i Norr AB"), {}),
        ("unknown-bureau", v(norrsken, oresund, bureau_orgnr=unknown_bureau[:6] + "-" + unknown_bureau[6:]), {}),
        ("future-date", v(norrsken, akesson, date=(today + datetime.timedelta(days=60)).isoformat()), {}),
        ("check-digit-by-subscription", v(eko, angs, client_orgnr=bad_orgnr, client_subscription=akesson["subscription"],
                                 client_name=akesson["name"]), {}),
    ]
    return out


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd[:4]), r.returncode, r.stderr.strip()[:400]))
    return r.stdout


class Reviewer:
    """A person at the keyboard: reads the page, presses keys."""

    def __init__(self, browser, base, shots):
        self.b = browser
        self.base = base
        self.shots = shots
        self.keys = 0

    def wait_load(self):
        try:
            self.b.wait_event("Page.loadEventFired", timeout=20)
        except RuntimeError:
            raise RuntimeError("no page loaded; at %s, focus on %r" % (
                self.b.evaluate("location.pathname"),
                self.b.evaluate("document.activeElement ? document.activeElement.outerHTML.slice(0, 80) : ''")))

    def wait_focus(self):
        """The page's autofocus lands a frame after the load: wait for it as the eye does."""
        deadline = time.time() + 1
        while time.time() < deadline:
            if self.b.evaluate("document.activeElement && document.activeElement !== document.body"):
                return
            time.sleep(0.02)

    def press(self, key, alt=False, navigates=True):
        self.wait_focus()
        code, vk = ("Enter", 13) if key == "Enter" else KEY_CODES[key]
        self.b.events.clear()
        mods = 1 if alt else 0
        # Blink looks for access keys on the char event carrying the modifier (Alt on Linux).
        text = "\r" if key == "Enter" else key
        self.b.call("Input.dispatchKeyEvent", {"type": "rawKeyDown", "key": key, "code": code,
                                                "windowsVirtualKeyCode": vk, "modifiers": mods})
        if text:
            self.b.call("Input.dispatchKeyEvent", {"type": "char", "key": key, "text": text, "unmodifiedText": text,
                                                    "modifiers": mods})
        self.b.call("Input.dispatchKeyEvent", {"type": "keyUp", "key": key, "code": code,
                                                "windowsVirtualKeyCode": vk, "modifiers": mods})
        self.keys += 1
        if navigates:
            self.wait_load()

    def type(self, text):
        """Types into the focused element (one key per character, as a person)."""
        self.b.call("Input.insertText", {"text": text})
        self.keys += len(text)

    def select_all_and_type(self, css, text):
        # Tab/shift-tab would reach it too; focus + select-all is what a person does with the mouse-free Ctrl+A.
        self.b.evaluate("(() => { const e = document.querySelector(%s); e.focus(); e.select(); })()" % json.dumps(css))
        self.keys += 2
        self.type(text)

    def state(self):
        return self.b.evaluate("""(() => {
            const q = s => Array.from(document.querySelectorAll(s));
            return {
              path: location.pathname,
              focused: document.activeElement ? document.activeElement.id : '',
              failed: q('input.failed').map(e => e.id.slice(2)),
              codes: q('.why > div[data-code]:not(.hint)').map(e => e.dataset.code),
              takes: q('button.take[id^="ta-in-"]').map(e => ({field: e.value, key: e.accessKey})),
              admins: q('button[id^="valj-admin-"]').map(e => e.accessKey),
              error: (document.getElementById('fel') || {}).innerText || '',
              steps: (document.getElementById('nasta-steg') || {}).innerText || '',
              clear: !!document.getElementById('allt-klart'),
              blocking: /kan inte identifieras|finns inte i registret/.test(
                  (document.getElementById('fel') || {}).innerText || '') ||
                  /Byrån finns inte i registret|Klienten finns inte i registret/.test(
                  (document.getElementById('nasta-steg') || {}).innerText || ''),
            };
        })()""")

    def reject(self, reason):
        """Alt+U goes to the reason (proposed from the failing checks); type one only when none is proposed."""
        self.press("u", alt=True, navigates=False)
        time.sleep(0.05)
        if not self.b.evaluate("document.activeElement.id === 'reason' && document.activeElement.value.length > 0"):
            self.type(reason)
        self.press("Enter")

    def whole_page(self, shots):
        """Alt+S shows the whole page image over the form, Alt+X closes it; the form keeps its values."""
        shown = "getComputedStyle(document.getElementById('hela-sidan')).display"
        self.press("s", alt=True, navigates=False)
        time.sleep(0.2)
        opened = self.b.evaluate(shown)
        if shots:
            data = self.b.call("Page.captureScreenshot", {"format": "png"})
            with open(os.path.join(shots, "whole-page.png"), "wb") as f:
                f.write(base64.b64decode(data["data"]))
        self.press("x", alt=True, navigates=False)
        time.sleep(0.2)
        closed = self.b.evaluate(shown)
        back = self.b.evaluate("document.activeElement ? document.activeElement.id : ''")
        if not back.startswith("f-"):
            raise RuntimeError("whole page overlay: closing left the focus on %r, not a field" % back)
        self.keys -= 2  # not part of the timed work
        if opened != "block" or closed != "none":
            raise RuntimeError("whole page overlay: Alt+S gave %r, Alt+X %r" % (opened, closed))
        return True

    def finish(self, doc_id, paper):
        """Works on the open document until the page moves on. Returns (action, keys)."""
        start_keys = self.keys
        self.steps = 0
        tried_take = set()
        for _ in range(8):
            self.steps += 1
            s = self.state()
            if s["path"] != "/review/%s" % doc_id:
                return "done", self.keys - start_keys
            failed = s["failed"]
            takes = {t["field"]: t["key"] for t in s["takes"]}
            # 1. a failed field the registry can fill: its access key
            field = next((f for f in failed if f in takes and takes[f] and f not in tried_take), None)
            if field:
                tried_take.add(field)
                self.press(takes[field], alt=True)
                continue
            # 2. the signer is not an administrator: choose the first one (Alt+1)
            if "signer_name" in failed and s["admins"] and "admin" not in tried_take:
                tried_take.add("admin")
                self.press(s["admins"][0], alt=True)
                continue
            # 3. the bureau or client cannot be identified: reject with a reason
            if s["blocking"] and not any(f in takes for f in failed):
                self.reject("Byrån finns inte i registret")
                return "rejected", self.keys - start_keys
            # 4. what only the paper knows: type it into the failed field
            typed = False
            for f in failed:
                if f in paper and f not in tried_take:
                    tried_take.add(f)
                    self.select_all_and_type("#f-" + f, paper[f])
                    typed = True
            # 5. Enter approves. A rule that still fails: a value the paper lacks (field_missing) is
            #    approved with an override reason typed; anything else (a future date) is rejected.
            if s["error"] and not typed and "Undantag" in s["error"]:
                if s["codes"] and all(c == "field_missing" for c in s["codes"]) and "override" not in tried_take:
                    tried_take.add("override")
                    self.select_all_and_type("#override", "Ort saknas på blanketten")
                    self.press("Enter")
                    continue
                self.reject("Datumet ligger i framtiden enligt blanketten")
                return "rejected", self.keys - start_keys
            self.b.evaluate("document.querySelector(%s).focus()" % json.dumps("#f-" + (failed[0] if failed else "place")))
            self.press("Enter")
        raise RuntimeError("document %s: not finished after 8 steps: %s" % (doc_id, json.dumps(self.state())[:300]))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--linkage", default=os.path.join(ROOT, "build", "linkage"))
    p.add_argument("--keep", help="state directory to use (kept); default a temporary one")
    p.add_argument("--json", help="write the figures as JSON here")
    p.add_argument("--shots", help="screenshot each document before and after (PNG) into DIR")
    p.add_argument("--docs", type=int, default=9, help="forms to scan beside the demo's one (max 9)")
    p.add_argument("--setup-only", action="store_true", help="stop after the batch (with --keep: a queue to look at)")
    a = p.parse_args()
    tmp = None
    if a.keep:
        work = a.keep
        os.makedirs(work, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="review-timing-")
        work = tmp.name
    home = os.path.join(work, "home")
    lk = [a.linkage, "--home", home]
    env = dict(os.environ, LINKAGE_ACTOR="review-timing")
    t_setup = time.time()
    run(lk + ["demo"], env=env)
    run(lk + ["user", "add-staff", STAFF, "--name", "Stina Granskare"], input=PASSWORD + "\n", env=env)

    reg = make_scans.Registry(os.path.join(ROOT, "data", "sample-registry.json"))
    today = datetime.datetime.now(datetime.timezone.utc).date()
    painter = make_scans.Painter(make_scans.Template(make_scans.TEMPLATE), work)
    inbox = os.path.join(home, "inbox")
    papers = {}
    past = time.time() - 120
    for n, (label, values, paper) in enumerate(defects(reg, today)[:a.docs]):
        im = painter.form(300, values, random.Random(label))
        name = "timing-%02d-%s.png" % (n + 1, label)
        path = os.path.join(inbox, name)
        im.save(path, dpi=(300, 300))
        os.utime(path, (past + n, past + n))
        papers[name] = paper
    run(lk + ["batch", "--no-progress"] if "--no-progress" in run(lk + ["batch", "--help"]) else lk + ["batch"], env=env)
    queue = json.loads(run(lk + ["review", "list", "--json"], env=env))
    setup_s = time.time() - t_setup
    if a.setup_only:
        print("review-timing: %d document(s) queued in %s" % (len(queue), home))
        return 0

    port = free_port()
    server = subprocess.Popen(lk + ["serve", "--port", str(port)], stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(work, "serve.err"), "w"),
                              env=dict(env, LINKAGE_SERVER_OPS_PORT=str(free_port())))
    base = "http://127.0.0.1:%d" % port
    try:
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/review/login", timeout=2)
                break
            except Exception:
                if time.time() > deadline or server.poll() is not None:
                    raise RuntimeError("linkage serve did not start")
                time.sleep(0.2)
        b = cdp_drive.Browser("/usr/bin/chromium", 1280, 1000)
        try:
            r = Reviewer(b, base, a.shots)
            b.events.clear()
            b.call("Page.navigate", {"url": base + "/review/login"})
            r.wait_load()
            # Sign in by keyboard: the user name has focus.
            r.wait_focus()
            r.type(STAFF)
            b.call("Input.dispatchKeyEvent", {"type": "rawKeyDown", "key": "Tab", "code": "Tab",
                                              "windowsVirtualKeyCode": 9})
            b.call("Input.dispatchKeyEvent", {"type": "keyUp", "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9})
            r.type(PASSWORD)
            r.press("Enter")
            # The queue: "Börja granska" has focus; Enter opens the worst document.
            r.press("Enter")
            rows = []
            files = {str(q["document_id"]): q for q in queue}
            while True:
                path = b.evaluate("location.pathname")
                if not path.startswith("/review/") or not path[8:].isdigit():
                    break
                doc_id = path[8:]
                q = files.get(doc_id, {"file": "?", "reasons": []})
                if a.shots:
                    os.makedirs(a.shots, exist_ok=True)
                    data = b.call("Page.captureScreenshot", {"format": "png"})
                    with open(os.path.join(a.shots, "doc-%s.png" % doc_id), "wb") as f:
                        f.write(base64.b64decode(data["data"]))
                if not rows:
                    r.whole_page(a.shots)
                t0 = time.time()
                action, keys = r.finish(doc_id, papers.get(q["file"], {}))
                seconds = time.time() - t0
                rows.append({"document": int(doc_id), "file": q["file"], "reasons": q["reasons"], "seconds": seconds,
                             "keys": keys, "steps": r.steps - 1 if action == "done" else r.steps, "action": action})
                print("review-timing: #%-3s %-40s %-24s %-8s %5.2f s  %2d keys  %d steps" % (
                    doc_id, q["file"][:40], ",".join(q["reasons"])[:24], action, seconds, keys, rows[-1]["steps"]),
                    flush=True)
        finally:
            b.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    # Every queued document decided?
    left = json.loads(run(lk + ["review", "list", "--json"], env=env))
    # A person's time by the keystroke-level model (Card, Moran & Newell): each
    # step (take, type, approve, reject) is one mental act M = 1.35 s, every key
    # K = 0.28 s (an average typist), plus the page's measured response time.
    for row in rows:
        row["person_seconds"] = row["seconds"] + 1.35 * row["steps"] + 0.28 * row["keys"]
    person = [r["person_seconds"] for r in rows]
    secs = [r["seconds"] for r in rows]
    keys = [r["keys"] for r in rows]
    result = {"documents": len(rows), "queued": len(queue), "left_open": len(left),
              "median_seconds": statistics.median(secs) if secs else None, "max_seconds": max(secs) if secs else None,
              "median_keys": statistics.median(keys) if keys else None,
              "median_person_seconds": statistics.median(person) if person else None,
              "max_person_seconds": max(person) if person else None, "setup_seconds": setup_s, "rows": rows}
    print("review-timing: %d documents, median %.2f s per document (max %.2f s) driven, median %s key presses; "
          "a person (keystroke-level model): median %.1f s (max %.1f s); %d left open" % (
              len(rows), result["median_seconds"] or 0, result["max_seconds"] or 0, result["median_keys"],
              result["median_person_seconds"] or 0, result["max_person_seconds"] or 0, len(left)))
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(result, f, ensure_ascii=False, indent=1)
    return 0 if rows and not left and len(rows) == len(queue) else 1


if __name__ == "__main__":
    sys.exit(main())
