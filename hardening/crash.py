#!/usr/bin/env python3
"""Crash-durability driver for `onboard serve` (issue 6). Standard library only.

Seeds a fresh database with `onboard demo --seed-only`, starts `onboard serve`, logs the demo
accounts in over HTTP and drives writes from many threads (agency officers create e-Services,
save drafts, replace their services, submit forms and test attempts, upload files; reviewers
approve and send back). Every write answered 2xx is recorded (e-Service id + version from the
answer; attempt numbers; file ids and SHA-256). At random moments the server is killed with
SIGKILL, restarted, and, with the clients paused, everything acknowledged is verified:

- every acknowledged e-Service exists and its version is >= the acknowledged one; when it is
  equal, the step statuses and services are those of the acknowledged answer;
- the event log (GET /eservices/{id}/events) starts with `created` at version 1, its versions
  never go down and are exactly 1..version (one command = one version), and folding it
  (statuses, services, drafts, submissions, review notes, attempts, launch date) gives the
  detail the server shows;
- every acknowledged test attempt is listed, every acknowledged upload downloads with the
  same SHA-256;
- while the server is down, the database itself: SQLite `PRAGMA integrity_check` = ok and
  `foreign_key_check` empty (read-only connection), and for every e-Service (demo ones
  included) the stored version = the stored state's version = the last event's version =
  the number of distinct event versions. PostgreSQL: the same queries through psql.

Exit status 0 when every round passed, 1 on any violation. Prints a JSON summary last.
"""

import argparse
import hashlib
import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from datetime import date, timedelta

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
SAMPLES = os.path.join(ROOT, "crates/onboard-core/samples")
ASSETS = os.path.join(ROOT, "crates/onboard-cli/assets")
DEMO_PASSWORD = "Tangrat2569"
OFFICERS = ["officer.dopa", "officer.rd", "officer.doe", "officer.doae", "officer.nhso"]
REVIEWERS = ["reviewer", "reviewer2"]
STEPS = ["credential", "uat-setup", "uat-test", "platform-request", "preprod-setup",
         "preprod-test", "launch"]
TEST_STEPS = {"uat-test", "preprod-test"}


def log(*parts):
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


class ConnError(Exception):
    """The server did not answer (killed, restarting)."""


class Restarted(ConnError):
    """The server restarted since the action was decided: decide again."""


class Client:
    """One keep-alive HTTP/1.1 connection per thread."""

    def __init__(self, port, timeout=30.0):
        self.port = port
        self.timeout = timeout
        self.conn = None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def call(self, method, path, token=None, body=None, raw=None, content_type=None,
             headers=None):
        hdrs = dict(headers or {})
        if token:
            hdrs["Authorization"] = "Bearer " + token
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        elif raw is not None:
            data = raw
            hdrs["Content-Type"] = content_type
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                       timeout=self.timeout)
            self.conn.request(method, path, body=data, headers=hdrs)
            resp = self.conn.getresponse()
            payload = resp.read()
        except (OSError, http.client.HTTPException) as e:
            self.close()
            raise ConnError(str(e)) from e
        if resp.getheader("Connection", "").lower() == "close":
            self.close()
        ctype = resp.getheader("Content-Type", "")
        if "json" in ctype and payload:
            return resp.status, json.loads(payload)
        return resp.status, payload


def multipart(name, content):
    boundary = "----onboard" + uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), \
        f"multipart/form-data; boundary={boundary}"


def sample(name):
    with open(os.path.join(SAMPLES, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def asset(name):
    with open(os.path.join(ASSETS, name), "rb") as f:
        return f.read()


class Ledger:
    """Everything acknowledged (2xx), shared by the workers."""

    def __init__(self):
        self.lock = threading.Lock()
        self.versions = {}      # e-Service id -> highest acknowledged version
        self.snapshot = {}      # id -> (version, statuses, services) of that answer
        self.owner = {}         # id -> officer username
        self.attempts = set()   # (id, step, number)
        self.files = {}         # file id -> (sha256, officer)
        self.acks = 0           # acknowledged changes (2xx writes)
        self.creates = 0
        self.kinds = {}
        self.cut_by_kill = 0    # writes sent but never answered (the kill cut them)
        self.unexpected = []    # (action, status, body) not 2xx and not explained by a crash

    def ack_detail(self, kind, officer, detail):
        sid, v = detail["id"], detail["version"]
        with self.lock:
            self.acks += 1
            self.kinds[kind] = self.kinds.get(kind, 0) + 1
            self.owner[sid] = officer
            if kind == "create":
                self.creates += 1
            if v >= self.versions.get(sid, 0):
                self.versions[sid] = v
                self.snapshot[sid] = (v, [s["status"] for s in detail["steps"]],
                                      list(detail["services"]))

    def ack_other(self, kind, item):
        with self.lock:
            self.acks += 1
            self.kinds[kind] = self.kinds.get(kind, 0) + 1
            if kind == "attempt":
                self.attempts.add(item)
            elif kind == "upload":
                fid, sha, officer = item
                self.files[fid] = (sha, officer)

    def unexpected_answer(self, action, status, body):
        with self.lock:
            self.unexpected.append((action, status, str(body)[:300]))


class Gate:
    """Lets workers run requests only while the server is up; counts requests in flight."""

    def __init__(self):
        self.cond = threading.Condition()
        self.open = False
        self.inflight = 0
        self.stop = False
        self.epoch = 0  # bumped at every restart: workers resynchronize

    def enter(self):
        with self.cond:
            while not self.open and not self.stop:
                self.cond.wait()
            if self.stop:
                return None
            self.inflight += 1
            return self.epoch

    def leave(self):
        with self.cond:
            self.inflight -= 1
            self.cond.notify_all()

    def close_and_drain(self, kill):
        with self.cond:
            self.open = False
        kill()
        with self.cond:
            while self.inflight:
                self.cond.wait()

    def reopen(self):
        with self.cond:
            self.epoch += 1
            self.open = True
            self.cond.notify_all()

    def finish(self):
        with self.cond:
            self.stop = True
            self.cond.notify_all()


class Worker(threading.Thread):
    """An agency officer (and a reviewer) walking e-Services through the seven steps."""

    def __init__(self, n, port, tokens, ledger, gate, files, seed):
        super().__init__(daemon=True, name=f"worker-{n}")
        self.n = n
        self.client = Client(port)
        self.officer = OFFICERS[n % len(OFFICERS)]
        self.token = tokens[self.officer]
        self.reviewer = tokens[REVIEWERS[n % len(REVIEWERS)]]
        self.ledger = ledger
        self.gate = gate
        self.files = files[self.officer]
        self.rng = random.Random(seed)
        self.detail = None
        self.epoch = None
        self.counter = 0
        self.errors = []

    # --- one request, counted in flight ---
    def request(self, *args, **kwargs):
        epoch = self.gate.enter()
        if epoch is None:
            raise StopIteration
        try:
            if self.epoch != epoch:
                # The server restarted since our last request: what we knew may be stale
                # (the last request may or may not have been applied).
                self.client.close()
                if self.detail is not None:
                    self.resync_locked()
                self.epoch = epoch
                # The action was decided on the old view: decide again.
                raise Restarted()
            return self.client.call(*args, **kwargs)
        finally:
            self.gate.leave()

    def resync_locked(self):
        status, body = self.client.call("GET", f"/api/v1/eservices/{self.detail['id']}",
                                        self.token)
        if status == 200:
            self.detail = body
        else:
            self.errors.append(f"resync {self.detail['id']}: {status} {body}")
            self.detail = None

    def write(self, kind, method, path, token, expect, **kwargs):
        """A write; returns the body when 2xx (recorded), None when the server died."""
        try:
            status, body = self.request(method, path, token, **kwargs)
        except Restarted:
            return None
        except ConnError:
            # Cut by the kill: applied or not, it was never acknowledged.
            with self.ledger.lock:
                self.ledger.cut_by_kill += 1
            return None
        if status != expect:
            self.ledger.unexpected_answer(f"{kind} {method} {path}", status, body)
            # Our view was wrong: read the truth again.
            self.refresh()
            return None
        return body

    def refresh(self):
        if self.detail is None:
            return
        try:
            status, body = self.request("GET", f"/api/v1/eservices/{self.detail['id']}",
                                        self.token)
        except ConnError:
            return
        if status == 200:
            self.detail = body

    # --- forms ---
    def form(self, step):
        today = date.today()
        if step == "credential":
            v = sample("step1")
            v["icon_file_id"] = self.files["icon"]
            v["planned_launch_date"] = str(today + timedelta(days=60))
        elif step == "uat-setup":
            v = sample("step2")
        elif step == "platform-request":
            v = sample("step4")
            v["requester"]["assignment_letter_file_id"] = self.files["letter"]
            v["service"]["intended_launch_date"] = str(today + timedelta(days=60))
        elif step == "preprod-setup":
            v = sample("step5")
            v["icon_file_id"] = self.files["icon"]
            v["screenshot_file_ids"] = [self.files["screenshot"]]
        elif step == "launch":
            v = sample("step7")
            v["desired_date"] = str(today + timedelta(days=7))
        else:
            v = sample("attempt")
            v["file_id"] = self.files["result"]
        return v

    def current(self):
        for s in self.detail["steps"]:
            if s["status"] != "completed":
                return s
        return None

    # --- actions ---
    def create(self):
        self.counter += 1
        name = f"ระบบทดสอบความทนทาน w{self.n} #{self.counter} {uuid.uuid4().hex[:6]}"
        body = self.write("create", "POST", "/api/v1/eservices", self.token, 201,
                          body={"name": name, "services": [f"งานบริการ {self.counter}"]})
        if body is not None:
            self.ledger.ack_detail("create", self.officer, body)
            self.detail = body

    def step_action(self):
        d = self.detail
        base = f"/api/v1/eservices/{d['id']}"
        cur = self.current()
        if cur is None:
            self.detail = None  # launched: start another
            return
        step, status = cur["step"], cur["status"]
        headers = {"If-Match": f"\"{d['version']}\""} if self.rng.random() < 0.5 else None
        r = self.rng.random()
        if status in ("in_progress", "changes_requested"):
            if r < 0.12 and step == "credential":
                self.counter += 1
                services = [f"งานบริการ {self.counter}", f"งานบริการ {self.counter}-ข"]
                body = self.write("services", "PUT", f"{base}/services", self.token, 200,
                                  body={"services": services}, headers=headers)
                kind = "services"
            elif step in TEST_STEPS:
                body = self.write("attempt", "POST", f"{base}/steps/{step}/attempts",
                                  self.token, 201, body=self.form(step))
                if body is not None:
                    self.ledger.ack_other("attempt", (d["id"], step, body["number"]))
                    self.refresh()
                return
            elif r < 0.4:
                draft = self.form(step)
                if step == "credential":
                    draft = {"short_description": f"ร่างที่ {self.counter}"}
                self.counter += 1
                body = self.write("draft", "PUT", f"{base}/steps/{step}/draft", self.token,
                                  200, body=draft, headers=headers)
                kind = "draft"
            else:
                body = self.write("submit", "POST", f"{base}/steps/{step}/submit",
                                  self.token, 200, body=self.form(step), headers=headers)
                kind = "submit"
        elif status == "under_review":
            if r < 0.15:
                body = self.write("request-changes", "POST",
                                  f"{base}/steps/{step}/request-changes", self.reviewer, 200,
                                  body={"reason": f"กรุณาแก้ไข ({self.counter})"},
                                  headers=headers)
                kind = "request-changes"
            elif r < 0.25 and step not in TEST_STEPS:
                body = self.write("withdraw", "POST", f"{base}/steps/{step}/withdraw",
                                  self.token, 200, headers=headers)
                kind = "withdraw"
            else:
                body = self.write("approve", "POST", f"{base}/steps/{step}/approve",
                                  self.reviewer, 200, body={"note": "ผ่าน"}, headers=headers)
                kind = "approve"
        else:
            self.detail = None
            return
        if body is not None:
            self.ledger.ack_detail(kind, self.officer, body)
            self.detail = body

    def upload(self):
        content = asset("letter.pdf") + f"\n%{uuid.uuid4().hex}\n".encode()
        raw, ctype = multipart(f"หนังสือ-{self.n}.pdf", content)
        body = self.write("upload", "POST", "/api/v1/files?purpose=assignment_letter",
                          self.token, 201, raw=raw, content_type=ctype)
        if body is not None:
            sha = hashlib.sha256(content).hexdigest()
            if body.get("sha256") != sha:
                self.errors.append(f"upload answered sha {body.get('sha256')} != {sha}")
            self.ledger.ack_other("upload", (body["id"], sha, self.officer))

    def run(self):
        try:
            while True:
                if self.detail is None:
                    self.create()
                elif self.rng.random() < 0.03:
                    self.upload()
                else:
                    self.step_action()
        except StopIteration:
            pass
        except Exception as e:  # a driver bug: report it, do not hide it
            self.errors.append(f"{type(e).__name__}: {e}")
            raise


class Server:
    def __init__(self, binary, db_args, port, logfile):
        self.binary = binary
        self.db_args = db_args
        self.port = port
        self.logfile = logfile
        self.proc = None
        self.starts = 0

    def start(self):
        env = dict(os.environ, RUST_LOG=os.environ.get("RUST_LOG", "warn"))
        out = open(self.logfile, "ab")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--addr", f"127.0.0.1:{self.port}", *self.db_args],
            stdout=out, stderr=out, env=env)
        out.close()
        self.starts += 1
        client = Client(self.port, timeout=2)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see "
                                   f"{self.logfile}")
            try:
                status, _ = client.call("GET", "/healthz")
                if status == 200:
                    client.close()
                    return
            except ConnError:
                pass
            time.sleep(0.05)
        raise RuntimeError("server did not become healthy in 60 s")

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self.proc = None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- verification over HTTP ---

def mask_citizen_ids(value):
    """onboard_core::privacy::mask_citizen_ids: events are masked, the owner's detail is not."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k == "citizen_id" and isinstance(v, str):
                d = v.replace("-", "").replace(" ", "")
                out[k] = (f"{d[0]}-{d[1:5]}-xxxxx-xx-{d[12]}"
                          if len(d) == 13 and d.isdigit() else "x" * 13)
            else:
                out[k] = mask_citizen_ids(v)
        return out
    if isinstance(value, list):
        return [mask_citizen_ids(v) for v in value]
    return value


def fold(events):
    """Replays the event log the way onboard_core's EService::evolve does (the parts the
    detail shows)."""
    steps = [{"status": "locked", "draft": None, "submission": None, "review_note": None,
              "attempts": []} for _ in STEPS]
    state = {"services": None, "launch_on": None, "version": 0, "steps": steps}
    for e in events:
        state["version"] = e["version"]
        data = e.get("data") or {}
        if e["kind"] in ("created", "services_updated"):
            state["services"] = data["services"]
        if e["kind"] == "created":
            steps[0]["status"] = "in_progress"
        if e["step"] is None:
            continue
        i = STEPS.index(e["step"])
        if e.get("to_status"):
            steps[i]["status"] = e["to_status"]
        s = steps[i]
        k = e["kind"]
        if k == "draft_saved":
            s["draft"] = data["draft"]
        elif k == "submitted":
            s["submission"] = data["submission"]
        elif k == "attempt_added":
            s["attempts"].append(data["attempt"]["number"])
        elif k == "attempt_deleted":
            s["attempts"].remove(data["number"])
        elif k == "approved":
            s["review_note"] = data.get("note")
            if i + 1 < len(STEPS):
                steps[i + 1]["status"] = "in_progress"
        elif k == "changes_requested":
            s["review_note"] = data["reason"]
        elif k == "launch_scheduled":
            state["launch_on"] = data["launch_on"]
    return state


def verify_http(port, ledger, tokens, problems):
    """Checks every acknowledged change; returns the number of checks made."""
    client = Client(port)
    checks = 0
    with ledger.lock:
        versions = dict(ledger.versions)
        snapshots = dict(ledger.snapshot)
        owners = dict(ledger.owner)
        attempts = set(ledger.attempts)
        files = dict(ledger.files)
    details = {}
    for sid, acked in versions.items():
        token = tokens[owners[sid]]
        status, d = client.call("GET", f"/api/v1/eservices/{sid}", token)
        if status != 200:
            problems.append(f"{sid}: acknowledged (v{acked}) but GET answers {status}")
            continue
        details[sid] = d
        checks += 1
        if d["version"] < acked:
            problems.append(f"{sid}: version {d['version']} < acknowledged {acked}")
        snap = snapshots.get(sid)
        if snap and snap[0] == d["version"]:
            statuses = [s["status"] for s in d["steps"]]
            if (statuses, d["services"]) != (snap[1], snap[2]):
                problems.append(f"{sid}: v{d['version']} differs from its acknowledged answer")
        status, events = client.call("GET", f"/api/v1/eservices/{sid}/events", token)
        if status != 200:
            problems.append(f"{sid}: events answer {status}")
            continue
        vs = [e["version"] for e in events]
        if not events or events[0]["kind"] != "created" or vs[0] != 1:
            problems.append(f"{sid}: the log does not start with created at v1")
        if any(b < a for a, b in zip(vs, vs[1:])):
            problems.append(f"{sid}: event versions go down: {vs}")
        if sorted(set(vs)) != list(range(1, d["version"] + 1)):
            problems.append(f"{sid}: event versions {sorted(set(vs))} != 1..{d['version']}")
        folded = fold(events)
        mismatch = []
        if folded["services"] != d["services"]:
            mismatch.append("services")
        if folded["launch_on"] != d["launch_on"]:
            mismatch.append("launch_on")
        for i, s in enumerate(d["steps"]):
            f = folded["steps"][i]
            for key in ("status", "draft", "submission", "review_note"):
                if f[key] != mask_citizen_ids(s[key]):
                    mismatch.append(f"steps[{i}].{key}")
            if "attempts" in s and [a["number"] for a in s["attempts"]] != f["attempts"]:
                mismatch.append(f"steps[{i}].attempts")
        if mismatch:
            problems.append(f"{sid}: the folded log differs from the detail in {mismatch}")
    for sid, step, number in attempts:
        d = details.get(sid)
        checks += 1
        if d is None:
            continue
        i = STEPS.index(step)
        if number not in [a["number"] for a in d["steps"][i].get("attempts", [])]:
            problems.append(f"{sid}: acknowledged attempt {number} of {step} is missing")
    for fid, (sha, owner) in files.items():
        checks += 1
        status, content = client.call("GET", f"/api/v1/files/{fid}", tokens[owner])
        if status != 200 or hashlib.sha256(content).hexdigest() != sha:
            problems.append(f"file {fid}: {status}, content differs or is missing")
    client.close()
    return checks


# --- verification of the database itself (server down) ---

def verify_sqlite(path, problems):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (ok,) = db.execute("PRAGMA integrity_check").fetchone()
        if ok != "ok":
            problems.append(f"integrity_check: {ok}")
        fk = db.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            problems.append(f"foreign_key_check: {fk[:5]}")
        rows = db.execute(
            """SELECT e.id, e.version, json_extract(s.state, '$.version'),
                      (SELECT MAX(version) FROM events v WHERE v.eservice_id = e.id),
                      (SELECT COUNT(DISTINCT version) FROM events v WHERE v.eservice_id = e.id)
               FROM eservices e LEFT JOIN eservice_states s ON s.id = e.id""").fetchall()
        orphans = db.execute(
            "SELECT COUNT(*) FROM events WHERE eservice_id NOT IN (SELECT id FROM eservices)"
        ).fetchone()[0]
    finally:
        db.close()
    check_rows(rows, orphans, problems)
    return len(rows)


def psql(url, sql):
    out = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                          url, "-c", sql], check=True, capture_output=True, text=True)
    return [line.split("\t") for line in out.stdout.splitlines() if line]


def verify_postgres(url, problems):
    rows = psql(url, """SELECT e.id, e.version, (e.state->>'version')::bigint,
                   (SELECT MAX(version) FROM events v WHERE v.eservice_id = e.id),
                   (SELECT COUNT(DISTINCT version) FROM events v WHERE v.eservice_id = e.id)
            FROM eservices e""")
    rows = [(r[0], *(int(x) if x != "" else None for x in r[1:])) for r in rows]
    orphans = int(psql(url, "SELECT COUNT(*) FROM events v WHERE NOT EXISTS "
                            "(SELECT 1 FROM eservices e WHERE e.id = v.eservice_id)")[0][0])
    check_rows(rows, orphans, problems)
    return len(rows)


def check_rows(rows, orphans, problems):
    if orphans:
        problems.append(f"{orphans} events of no e-Service")
    for sid, version, state_version, last, distinct in rows:
        if not (version == state_version == last == distinct):
            problems.append(f"db {sid}: version {version}, state {state_version}, "
                            f"last event {last}, distinct event versions {distinct}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--binary", required=True)
    p.add_argument("--backend", choices=["sqlite", "postgres"], required=True)
    p.add_argument("--data-dir", help="SQLite: a fresh directory")
    p.add_argument("--database-url", help="PostgreSQL: a fresh, empty database")
    p.add_argument("--rounds", type=int, default=25)
    p.add_argument("--threads", type=int, default=16)
    p.add_argument("--min-run", type=float, default=0.3, help="seconds before a kill, min")
    p.add_argument("--max-run", type=float, default=4.0, help="seconds before a kill, max")
    p.add_argument("--seed", type=int, default=int(time.time()))
    p.add_argument("--log", default=None, help="server log file")
    args = p.parse_args()

    rng = random.Random(args.seed)
    if args.backend == "sqlite":
        db_args = ["--data-dir", args.data_dir]
        db_path = os.path.join(args.data_dir, "onboard.db")
    else:
        db_args = ["--database-url", args.database_url]
    logfile = args.log or os.path.join(args.data_dir or ".", "server.log")
    log(f"seed {args.seed}; seeding the demo database ({args.backend})")
    subprocess.run([args.binary, "demo", "--seed-only", "--json", *db_args], check=True,
                   stdout=subprocess.DEVNULL,
                   env=dict(os.environ, RUST_LOG="warn"))

    server = Server(args.binary, db_args, free_port(), logfile)
    server.start()
    client = Client(server.port)
    tokens = {}
    for user in OFFICERS + REVIEWERS:
        status, body = client.call("POST", "/api/v1/auth/login",
                                   body={"username": user, "password": DEMO_PASSWORD})
        if status != 200:
            sys.exit(f"login {user}: {status} {body}")
        tokens[user] = body["token"]
    # Each officer's files for the forms (uploaded before the first kill, checked after).
    ledger = Ledger()
    files = {}
    for officer in OFFICERS:
        ids = {}
        for key, name, purpose in [("icon", "icon-120.png", "icon"),
                                   ("screenshot", "screenshot.png", "screenshot"),
                                   ("letter", "letter.pdf", "assignment_letter"),
                                   ("result", "test-result.xlsx", "test_result")]:
            content = asset(name)
            raw, ctype = multipart(name, content)
            status, body = client.call("POST", f"/api/v1/files?purpose={purpose}",
                                       tokens[officer], raw=raw, content_type=ctype)
            if status != 201:
                sys.exit(f"upload {name}: {status} {body}")
            ids[key] = body["id"]
            ledger.ack_other("upload", (body["id"], hashlib.sha256(content).hexdigest(),
                                        officer))
        files[officer] = ids
    client.close()

    gate = Gate()
    workers = [Worker(n, server.port, tokens, ledger, gate, files, rng.random())
               for n in range(args.threads)]
    for w in workers:
        w.start()
    gate.reopen()

    problems = []
    rounds = 0
    checks = 0
    db_rows = 0
    t0 = time.time()
    for rnd in range(1, args.rounds + 1):
        acks_before = ledger.acks
        # Some kills come right after a restart, most after a while of load.
        wait = rng.uniform(0.02, 0.3) if rng.random() < 0.15 else \
            rng.uniform(args.min_run, args.max_run)
        time.sleep(wait)
        gate.close_and_drain(server.kill)
        round_problems = []
        if args.backend == "sqlite":
            db_rows += verify_sqlite(db_path, round_problems)
        else:
            db_rows += verify_postgres(args.database_url, round_problems)
        server.start()
        checks += verify_http(server.port, ledger, tokens, round_problems)
        rounds += 1
        log(f"round {rnd}: killed after {wait:.2f} s; {ledger.acks} acknowledged changes "
            f"({ledger.acks - acks_before} new); {len(ledger.versions)} e-Services; "
            f"{'OK' if not round_problems else 'PROBLEMS: ' + str(round_problems[:5])}")
        problems += [f"round {rnd}: {x}" for x in round_problems]
        gate.reopen()

    # The last kill, then the final offline check.
    time.sleep(rng.uniform(args.min_run, args.max_run))
    gate.close_and_drain(server.kill)
    gate.finish()
    for w in workers:
        w.join(timeout=30)
    final = []
    if args.backend == "sqlite":
        db_rows += verify_sqlite(db_path, final)
    else:
        db_rows += verify_postgres(args.database_url, final)
    server.start()
    checks += verify_http(server.port, ledger, tokens, final)
    server.kill()
    problems += [f"final: {x}" for x in final]
    for w in workers:
        problems += [f"{w.name}: {e}" for e in w.errors]

    summary = {
        "backend": args.backend,
        "seed": args.seed,
        "threads": args.threads,
        "kills": rounds + 1,
        "rounds_survived": rounds + 1 if not problems else None,
        "acknowledged_changes": ledger.acks,
        "acknowledged_by_kind": ledger.kinds,
        "eservices_created": ledger.creates,
        "writes_cut_by_kills": ledger.cut_by_kill,
        "http_checks": checks,
        "db_rows_checked": db_rows,
        "non_2xx_answers": len(ledger.unexpected),
        "seconds": round(time.time() - t0, 1),
        "problems": problems[:50],
    }
    if ledger.unexpected:
        log("non-2xx answers (after a crash the driver may act on a stale view):")
        for u in ledger.unexpected[:20]:
            log("  ", u)
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
