"""`make soak`: a chaos soak over real HTTP. It starts its own local stack on free ports (moto server,
the demo data, `chalice local` and the queue worker, both with AWS faults injected by
`devtools/chaos.py`), then for SOAK_SECONDS (600) registers, cancels, switches workshops, reads,
downloads, uploads and messages the attendees from many threads, while it kills the queue worker
with SIGKILL at random moments and starts it again.

Every CHECK_SECONDS, with the visitors paused, and at the end, after the mail has drained, it checks:
- seat counters equal the registrations, for the meeting and each workshop;
- every recipient of every finished message job received it at least once, and more than once only
  as often as an unknown outcome was recorded for them;
- no upload older than the check window is left unchecked;
- no 5xx answer but a 503 with Retry-After (a passing fault, which the faults make).
Its last line is the summary below; it exits non-zero if any invariant failed.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_string, policy
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path

import boto3
import requests

from devtools.localrun import local_env, stage_variables, wait_for

ROOT = Path(__file__).resolve().parent.parent
SLUG = "netwerkbijeenkomst-zwijndrecht"  # the demo meeting: hybrid, with a workshop round
ORGANISER = "soak.organisator@zwijndrecht.nl"
SPEAKER = "soak.spreker@movisie.nl"
CHECK_SECONDS = int(os.environ.get("SOAK_CHECK_SECONDS", "30"))
UPLOAD_WINDOW_SECONDS = 120  # an upload must be checked within this, with or without its speaker
VISITORS = 6
# a one-page PDF that pypdf reads (tests/support/documents.pdf("Soakdia"), written out)
PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [4 0 R]"
    b" /Count 1 >>\nendobj\n3 0 obj\n<< /Length 38 >>\nstream\nBT /F1 12 Tf 72 712 Td (Soakdia) Tj ET\n"
    b"endstream\nendobj\n4 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R"
    b" /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>\nendobj\n"
    b"xref\n0 5\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \n"
    b"0000000203 00000 n \ntrailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n378\n%%EOF\n"
)


@dataclass
class Figures:
    """What the soak did and found; shared by its threads under one lock."""

    requests: int = 0
    busy: int = 0  # 503 with Retry-After: a passing fault, as the injected ones are
    unexpected: list[str] = field(default_factory=list)  # any other 5xx, or no answer
    kills: int = 0
    done: Counter[str] = field(default_factory=Counter)  # actions carried out, by name
    lost: int = 0
    doubled: int = 0
    unknown: int = 0
    excess: int = 0  # copies beyond those an unknown outcome accounts for
    mismatches: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)
    mails: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def summary(self) -> str:
        return (
            f"soak: {self.requests} requests, {self.mails} mails, {self.kills} worker kills, "
            f"{self.unknown} unknown outcomes, lost {self.lost}, doubled {self.doubled}, "
            f"counter mismatches {len(self.mismatches)}, unexpected 5xx {len(self.unexpected)}"
        )

    @property
    def failed(self) -> bool:
        return bool(self.lost or self.excess or self.mismatches or self.unexpected or self.unchecked or not self.mails)


# -- the invariants, as plain functions of what was read -------------------------------------------


def address_key(email: str) -> str:
    """A recipient mark's key: as the mail worker hashes an address."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


@dataclass(frozen=True)
class MailFindings:
    lost: int
    doubled: int
    unknown: int
    excess: int


def mail_findings(marks: dict[str, tuple[str, int]], copies: Counter[str]) -> MailFindings:
    """One finished job: its marks (recipient key -> state, unknown outcomes) against the copies each
    recipient received. Lost: marked sent (or never settled) but nothing arrived. Excess: more copies
    than one plus the unknown outcomes recorded for that recipient."""
    lost = sum(1 for key, (state, _) in marks.items() if state in ("sent", "claimed") and not copies[key])
    doubled = sum(n - 1 for n in copies.values() if n > 1)
    unknown = sum(n for _, n in marks.values())
    excess = sum(max(0, copies[key] - 1 - marks.get(key, ("", 0))[1]) for key in copies)
    return MailFindings(lost, doubled, unknown, excess)


def counter_findings(stored: Counter[str], counted: Counter[str]) -> list[str]:
    """Each counter the meeting keeps (its seats and waiting lists per way of taking part, each
    workshop's seats taken, the overview's figures) against the same counted from its registrations."""
    return [
        f"{name}: counter {stored[name]} != {counted[name]} counted"
        for name in sorted(set(stored) | set(counted))
        if stored[name] != counted[name]
    ]


# -- the stack -------------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Stack:
    """moto server, the resources and demo data, and `chalice local` and the queue worker under chaos."""

    def __init__(self, fault_rate: float) -> None:
        self.moto_port, self.port = free_port(), free_port()
        self.moto_url = f"http://127.0.0.1:{self.moto_port}"
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **local_env(self.moto_url, self.port),
            **stage_variables(),
            "SOAK_FAULT_RATE": str(fault_rate),
        }
        self.processes: list[subprocess.Popen[bytes]] = []
        self.worker: subprocess.Popen[bytes] | None = None
        self.log = open(ROOT / "build" / "soak.log", "wb")  # noqa: SIM115 (closed in stop)

    def _start(self, *command: str, seed: int) -> subprocess.Popen[bytes]:
        env = {**self.env, "SOAK_FAULT_SEED": str(seed)}
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def start(self) -> None:
        python = sys.executable
        moto = subprocess.Popen(
            [python, "-m", "devtools.motoserver", "--port", str(self.moto_port)], cwd=ROOT, env=self.env
        )
        self.processes.append(moto)
        wait_for(f"{self.moto_url}/moto-api/")
        from devtools.resources import create_all

        session = boto3.session.Session(
            aws_access_key_id="local", aws_secret_access_key="local", region_name=self.env["AWS_DEFAULT_REGION"]
        )
        create_all(session, self.env, self.moto_url, origin=self.url)
        self.manage("load-events", "demo/events.yaml")
        self.manage("create-organiser", "--email", ORGANISER)
        portal = ("chalice", "local", "--stage", "local", "--host", "127.0.0.1", "--port", str(self.port))
        self.processes.append(
            self._start(python, "-m", "devtools.chaos", "portal", *portal[1:], "--no-autoreload", seed=1)
        )
        self.start_worker()
        wait_for(f"{self.url}/")

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True, capture_output=True, text=True
        )
        return done.stdout

    def start_worker(self) -> None:
        stage = json.dumps(stage_variables())
        self.worker = self._start(
            sys.executable,
            "-m",
            "devtools.chaos",
            "worker",
            "--stage-json",
            stage,
            seed=random.randrange(10**6),  # noqa: S311
        )

    def kill_worker(self) -> None:
        """SIGKILL: nothing of the worker runs after it (no release, no cleanup), as when Lambda dies."""
        if self.worker is not None:
            self.worker.send_signal(signal.SIGKILL)
            self.worker.wait()
        self.start_worker()

    def stop(self) -> None:
        for process in [self.worker, *reversed(self.processes)]:
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        self.log.close()


# -- visitors --------------------------------------------------------------------------------------


class _Forms(HTMLParser):
    """The hidden fields of each form on a page, by its action; and the radio choices by name."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self.choices: dict[str, list[str]] = {}
        self._action = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._action = a.get("action", "")
            self.forms.setdefault(self._action, {})
        elif tag == "input" and a.get("type") == "hidden" and a.get("name"):
            self.forms.setdefault(self._action, {})[a["name"]] = a.get("value", "")
        elif tag == "input" and a.get("type") == "radio" and a.get("name"):
            self.choices.setdefault(a["name"], []).append(a.get("value", ""))


def forms_of(page: str) -> _Forms:
    parsed = _Forms()
    parsed.feed(page)
    return parsed


class Visitor:
    """A browser session over real HTTP that counts its requests and sorts the 5xx answers."""

    def __init__(self, url: str, figures: Figures) -> None:
        self.url, self.figures = url, figures
        self.http = requests.Session()

    def go(self, method: str, path: str, **kwargs: object) -> requests.Response | None:
        try:
            response = self.http.request(method, self.url + path, timeout=60, allow_redirects=False, **kwargs)  # type: ignore[arg-type]
        except requests.RequestException as error:
            with self.figures.lock:
                self.figures.requests += 1
                self.figures.unexpected.append(f"{method} {path}: no answer ({type(error).__name__})")
            return None
        with self.figures.lock:
            self.figures.requests += 1
            if response.status_code == 503 and response.headers.get("Retry-After"):
                self.figures.busy += 1
            elif response.status_code >= 500:
                self.figures.unexpected.append(f"{method} {path}: {response.status_code}")
        return response

    def submit(self, page_path: str, action: str, fields: dict[str, str]) -> requests.Response | None:
        """Open the page, send its form with `fields`; once more with the very same form after a 503
        (a browser's retry: the form's one-time key makes it the same request)."""
        page = self.go("GET", page_path)
        if page is None or page.status_code != 200:
            return page
        form = {**forms_of(page.text).forms.get(action, {}), **fields}
        response = self.go("POST", action, data=form)
        if response is not None and response.status_code == 503:
            time.sleep(min(float(response.headers.get("Retry-After", "1")), 2.0))
            response = self.go("POST", action, data=form)
        return response


# -- the run ---------------------------------------------------------------------------------------


class Soak:
    def __init__(self, seconds: int, fault_rate: float) -> None:
        self.seconds = seconds
        self.figures = Figures()
        self.stack = Stack(fault_rate)
        self.running = threading.Event()  # cleared while the invariants are checked
        self.stopping = threading.Event()
        self.in_flight = 0
        self.in_flight_lock = threading.Condition()
        self.jobs: dict[str, str] = {}  # job id -> subject
        self.checked_jobs: set[str] = set()
        self.tokens: list[str] = []
        self.speaker_link = ""
        self.material_download = ""
        self.organiser: Visitor | None = None
        self.sequence = 0

    # the portal's own stores, read against the stack's moto server from this process
    def _use_stack(self) -> None:
        os.environ.update({k: v for k, v in self.stack.env.items() if k.isupper()})
        from chalicelib.core import aws

        aws.reset()

    def run(self) -> Figures:
        (ROOT / "build").mkdir(exist_ok=True)
        self.stack.start()
        try:
            self._use_stack()
            self._prepare()
            self._load()
            self._drain()
            self._check(final=True)
        finally:
            self.stack.stop()
        return self.figures

    def _prepare(self) -> None:
        self.material_download = self.stack.manage(
            "add-document", str(self._pdf_file()), "--title", "Soakdocument", "--access", "members"
        ).split()[-1]
        link = self.stack.manage(
            "invite-speaker", "--event", SLUG, "--slot", "3", "--name", "Soak Spreker", "--email", SPEAKER
        )
        self.speaker_link = link.split(": ", 1)[1].strip().removeprefix(self.stack.url)
        self.organiser = self._signed_in(ORGANISER)

    def _pdf_file(self) -> Path:
        path = ROOT / "build" / "soak.pdf"
        path.write_bytes(PDF)
        return path

    def _signed_in(self, email: str) -> Visitor:
        visitor = Visitor(self.stack.url, self.figures)
        for _ in range(5):  # the request may meet an injected fault; the link comes from the worker
            visitor.submit("/inloggen", "/inloggen", {"email": email, "next": "/"})
            for _ in range(40):
                link = self._mailed_link(email, r"/inloggen/[A-Za-z0-9_-]+")
                if link:
                    visitor.submit(link, link, {})
                    return visitor
                time.sleep(0.5)
        raise RuntimeError("the organiser could not sign in")

    def _mailed_link(self, email: str, pattern: str) -> str:
        for to, _subject, raw in reversed(self._mails()):
            if to == email and (found := re.search(rf'href="[^"]*({pattern})"', raw)):
                return found.group(1)
        return ""

    def _mails(self) -> list[tuple[str, str, str]]:
        """Every mail moto's SES took: (to, subject, its HTML)."""
        with urllib.request.urlopen(f"{self.stack.moto_url}/moto-api/data.json", timeout=120) as response:
            data = json.load(response)
        mails = []
        for message in data.get("ses", {}).get("RawMessage", []):
            mime = message_from_string(message["raw_data"], policy=policy.default)
            html = mime.get_body(("html",)) if isinstance(mime, EmailMessage) else None
            text = html.get_content() if isinstance(html, EmailMessage) else ""
            mails.append((message["destinations"][0].lower(), str(mime["subject"]), text))
        return mails

    # -- load ------------------------------------------------------------------------------------

    def _load(self) -> None:
        self.running.set()
        threads = [threading.Thread(target=self._visit, args=(n,), daemon=True) for n in range(VISITORS)]
        threads += [
            threading.Thread(target=self._message_attendees, daemon=True),
            threading.Thread(target=self._kill_worker_now_and_then, daemon=True),
        ]
        for thread in threads:
            thread.start()
        ends = time.monotonic() + self.seconds
        while time.monotonic() < ends:
            time.sleep(min(CHECK_SECONDS, max(0.0, ends - time.monotonic())))
            if time.monotonic() < ends:
                self._check(final=False)
        self.stopping.set()
        self.running.set()
        for thread in threads:
            thread.join(timeout=120)

    @contextmanager
    def _action(self) -> Iterator[bool]:
        """Wait while the invariants are checked; counted as in flight until it ends."""
        self.running.wait()
        with self.in_flight_lock:
            self.in_flight += 1
        try:
            yield not self.stopping.is_set()
        finally:
            with self.in_flight_lock:
                self.in_flight -= 1
                self.in_flight_lock.notify_all()

    def _visit(self, number: int) -> None:
        pick = random.Random(number)  # noqa: S311 (load, not a secret)
        visitor = Visitor(self.stack.url, self.figures)
        actions: list[tuple[int, Callable[[Visitor, random.Random], None]]] = [
            (5, self._register),
            (2, self._cancel),
            (2, self._switch_workshop),
            (3, self._read),
            (1, self._download),
            (1, self._upload),
        ]
        weights = [w for w, _ in actions]
        while not self.stopping.is_set():
            [(_, act)] = pick.choices(actions, weights)
            with self._action() as go:
                if go:
                    act(visitor, pick)
            time.sleep(pick.uniform(0.05, 0.3))

    def _next(self) -> int:
        with self.figures.lock:
            self.sequence += 1
            return self.sequence

    def _register(self, visitor: Visitor, pick: random.Random) -> None:
        n = self._next()
        page = visitor.go("GET", f"/events/{SLUG}")
        rounds = forms_of(page.text).choices.get("round_7", ["1"]) if page is not None else ["1"]
        fields = {
            "name": f"Deelnemer {n}",
            "email": f"soak.{n}@gemeente.nl",
            "organisation": "Gemeente Soak",
            "role": "Beleidsadviseur gemeente (OOV)",
            "answer_1": "yes",
            "attendance": pick.choice(["location", "location", "online"]),
            "round_7": pick.choice(rounds),
            "consent": "yes",
        }
        response = visitor.submit(f"/events/{SLUG}", f"/events/{SLUG}/aanmelden", fields)
        if response is not None and response.status_code in (200, 202, 303):
            self._count("registrations")

    def _token(self, pick: random.Random) -> str:
        from chalicelib.registrations.store import registration_store

        if not self.tokens or pick.random() < 0.1:
            registrations = registration_store().list_for_event(SLUG)
            self.tokens = [r.token for r in registrations if r.status in ("confirmed", "waiting")]
        return pick.choice(self.tokens) if self.tokens else ""

    def _cancel(self, visitor: Visitor, pick: random.Random) -> None:
        if token := self._token(pick):
            response = visitor.submit(f"/r/{token}/annuleren", f"/r/{token}/annuleren", {})
            if response is not None and response.status_code == 303:
                self._count("cancellations")

    def _switch_workshop(self, visitor: Visitor, pick: random.Random) -> None:
        if not (token := self._token(pick)):
            return
        page = visitor.go("GET", f"/r/{token}")
        choices = forms_of(page.text).choices.get("round_7", []) if page is not None else []
        if choices:
            response = visitor.submit(f"/r/{token}", f"/r/{token}/workshops", {"round_7": pick.choice(choices)})
            if response is not None and response.status_code == 303:
                self._count("workshop switches")

    def _read(self, visitor: Visitor, pick: random.Random) -> None:
        visitor.go("GET", pick.choice(["/", "/events", f"/events/{SLUG}", "/nieuws", "/kennisbank?q=radicalisering"]))
        self._count("reads")

    def _download(self, _visitor: Visitor, _pick: random.Random) -> None:
        assert self.organiser is not None  # noqa: S101 (signed in before the load starts)
        response = self.organiser.go("GET", self.material_download)
        if response is None or response.status_code not in (302, 303):
            return
        if requests.get(response.headers["Location"], timeout=30).status_code == 200:
            self._count("downloads")

    def _upload(self, visitor: Visitor, pick: random.Random) -> None:
        """As a browser does: the page's presigned form straight to S3, then (mostly) back to the page.
        Sometimes the speaker never comes back: the bucket's notification must have it checked."""
        page = visitor.go("GET", self.speaker_link)
        if page is None or page.status_code != 200:
            return
        fields = _upload_fields(page.text)
        if not fields:
            return
        action, form = fields
        key = form["key"].replace("${filename}", "dia.pdf")
        stored = requests.post(
            action,
            data={**form, "key": key},
            files={"file": ("dia.pdf", PDF, "application/pdf")},
            allow_redirects=False,
            timeout=30,
        )
        if stored.status_code not in (200, 201, 204, 303):
            return
        self._count("uploads")
        if pick.random() < 0.7:
            visitor.go("GET", f"{self.speaker_link}/klaar", params={"key": key})

    def _message_attendees(self) -> None:
        """The organiser writes to everyone confirmed, now and then (each is a mail job)."""
        assert self.organiser is not None  # noqa: S101
        path = f"/beheer/bijeenkomsten/{SLUG}/bericht"
        while not self.stopping.wait(random.uniform(12, 20)):  # noqa: S311
            with self._action() as go:
                if not go:
                    return
                subject = f"Soakbericht {self._next()}"
                response = self.organiser.submit(path, path, {"subject": subject, "body": "Een bericht."})
                if response is not None and response.status_code == 303:
                    job_id = response.headers["Location"].rsplit("/", 1)[1]
                    self.jobs[job_id] = subject
                    self._count("messages")

    def _kill_worker_now_and_then(self) -> None:
        while not self.stopping.wait(random.uniform(6, 20)):  # noqa: S311
            self.stack.kill_worker()
            with self.figures.lock:
                self.figures.kills += 1

    def _count(self, action: str) -> None:
        with self.figures.lock:
            self.figures.done[action] += 1

    # -- the invariants ---------------------------------------------------------------------------

    def _drain(self, seconds: float = 300) -> None:
        """Give the worker time to finish every job (the faults and a last kill may still delay it)."""
        from chalicelib.mail.store import job_store

        ends = time.monotonic() + seconds
        while time.monotonic() < ends:
            jobs = [job_store().get(job_id) for job_id in self.jobs]
            if all(job is not None and job.status == "done" for job in jobs):
                return
            time.sleep(2)

    def _check(self, final: bool) -> None:
        self.running.clear()
        with self.in_flight_lock:
            self.in_flight_lock.wait_for(lambda: self.in_flight == 0, timeout=120)
        try:
            self._check_counters()
            self._check_mail(final)
            self._check_uploads()
        finally:
            self.running.set()
        print(self.figures.summary(), flush=True)

    def _check_counters(self) -> None:
        from chalicelib.events.model import SEAT_ATTRIBUTES
        from chalicelib.events.parts import workshop_key
        from chalicelib.events.store import event_store
        from chalicelib.registrations import attendance
        from chalicelib.registrations.store import registration_store

        event = event_store().get(SLUG)
        if event is None:
            self.figures.mismatches.append("the meeting is gone")
            return
        stored, counted = Counter[str](), Counter[str]()
        for _capacity, confirmed, waiting in SEAT_ATTRIBUTES.values():
            stored[confirmed], stored[waiting] = getattr(event, confirmed), getattr(event, waiting)
        stored.update({f"workshop {key}": n for key, n in event.workshops_taken.items()})
        for r in registration_store().list_for_event(SLUG):
            _capacity, confirmed, waiting = SEAT_ATTRIBUTES[r.attendance]
            if r.status == "confirmed":
                counted[confirmed] += 1
                counted.update(f"workshop {workshop_key(int(p), w)}" for p, w in r.workshops.items())
            elif r.status == "waiting":
                counted[waiting] += 1
        stored.update({f"figure {k}": v for k, v in event_store().figures(SLUG).items()})
        counted.update({f"figure {k}": v for k, v in attendance.count_slowly(SLUG).items()})
        self.figures.mismatches += counter_findings(+stored, +counted)

    def _check_mail(self, final: bool) -> None:
        from chalicelib.mail.store import job_store

        mails = self._mails()
        self.figures.mails = len(mails)
        for job_id, subject in list(self.jobs.items()):
            if job_id in self.checked_jobs:
                continue
            job = job_store().get(job_id)
            if job is None or (job.status != "done" and not final):
                continue
            marks = self._marks(job_id)
            copies = Counter(address_key(to) for to, s, _raw in mails if s == subject)
            found = mail_findings(marks, copies)
            unsettled = job.total - len(marks) if job.status != "done" else 0
            self.figures.lost += found.lost + max(0, unsettled)
            self.figures.doubled += found.doubled
            self.figures.unknown += found.unknown
            self.figures.excess += found.excess
            self.checked_jobs.add(job_id)

    def _marks(self, job_id: str) -> dict[str, tuple[str, int]]:
        from chalicelib.core import aws, config
        from chalicelib.core.dynamo import query_all, to_attrs
        from chalicelib.core.keys import RECIPIENT_PREFIX, job_pk

        items = query_all(
            aws.dynamodb(),
            TableName=config.table_name(),
            KeyConditionExpression="PK = :pk AND begins_with(SK, :to)",
            ExpressionAttributeValues=to_attrs({":pk": job_pk(job_id), ":to": RECIPIENT_PREFIX}),
            ConsistentRead=True,
        )
        return {
            str(i["SK"]).removeprefix(RECIPIENT_PREFIX): (str(i["state"]), int(i.get("unknown_outcomes", 0)))
            for i in items
        }

    def _check_uploads(self) -> None:
        """An object under the speakers' upload prefix, older than the window, that no material keeps:
        nobody checked it (a checked file is kept by its material, or removed when it failed)."""
        from chalicelib.core import aws, config
        from chalicelib.library.store import library_store

        kept = {m.object_key for m in library_store().all_materials()}
        oldest = time.time() - UPLOAD_WINDOW_SECONDS
        pages = aws.s3().get_paginator("list_objects_v2").paginate(Bucket=config.bucket_name(), Prefix="uploads/")
        self.figures.unchecked = [
            o["Key"]
            for page in pages
            for o in page.get("Contents", [])
            if o["Key"] not in kept and o["LastModified"].timestamp() < oldest
        ]


def _upload_fields(page: str) -> tuple[str, dict[str, str]] | None:
    """The speaker page's presigned S3 form: its action and fields."""
    action = re.search(r'<form[^>]+action="(http[^"]+)"', page)
    if not action:
        return None
    form = forms_of(page).forms.get(action.group(1).replace("&amp;", "&"), {})
    return (action.group(1).replace("&amp;", "&"), form) if "key" in form else None


def main() -> None:
    seconds = int(os.environ.get("SOAK_SECONDS", "600"))
    figures = Soak(seconds, float(os.environ.get("SOAK_FAULT_RATE", "0.02"))).run()
    print(f"actions: {dict(figures.done)}; 503 with Retry-After: {figures.busy}")
    for line in figures.unexpected[:20]:
        print(f"unexpected: {line}")
    for line in figures.mismatches[:20]:
        print(f"counter mismatch: {line}")
    for line in figures.unchecked[:20]:
        print(f"unchecked upload: {line}")
    if figures.excess:
        print(f"copies beyond the unknown outcomes: {figures.excess}")
    print(figures.summary(), flush=True)
    sys.exit(1 if figures.failed else 0)


if __name__ == "__main__":
    main()
