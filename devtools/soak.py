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

import json
import os
import random
import re
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from email import message_from_string, policy
from email.message import EmailMessage
from email.parser import HeaderParser

import requests
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.core.tenancy import in_this_network
from devtools.documents import pdf
from devtools.invariants import address_key, counter_findings, mail_findings, unchecked_uploads
from devtools.motoserver import SENT_MAIL_PATH
from devtools.soakstack import ROOT, Stack
from devtools.stage import default_network
from devtools.visitors import Figures, Visitor, forms_of

SLUG = "netwerkbijeenkomst-zwijndrecht"  # the demo meeting: hybrid, with a workshop round
ORGANISER = "soak.organisator@zwijndrecht.nl"
SPEAKER = "soak.spreker@movisie.nl"
CHECK_SECONDS = int(os.environ.get("SOAK_CHECK_SECONDS", "30"))
CHECK_ATTEMPTS = 3
# seconds between worker kills, drawn between the two (SOAK_KILL_EVERY="15,35")
KILL_EVERY = tuple(float(n) for n in os.environ.get("SOAK_KILL_EVERY", "15,35").split(","))
UPLOAD_WINDOW_SECONDS = 120  # an upload must be checked within this, with or without its speaker
# visitors at once: each costs moto server (one request at a time) work the mail worker then waits for
VISITORS = int(os.environ.get("SOAK_VISITORS", "4"))
PDF = pdf("Soakdia")  # a one-page PDF that pypdf reads
PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [4 0 R]"
    b" /Count 1 >>\nendobj\n3 0 obj\n<< /Length 38 >>\nstream\nBT /F1 12 Tf 72 712 Td (Soakdia) Tj ET\n"
    b"endstream\nendobj\n4 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R"
    b" /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>\nendobj\n"
    b"xref\n0 5\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \n"
    b"0000000203 00000 n \ntrailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n378\n%%EOF\n"
)


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
        self.mails: list[tuple[str, str, str]] = []  # what moto's SES took, read so far
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
        self.stack.start()
        try:
            self._use_stack()
            with default_network():  # the demo's, where every visitor goes
                self._prepare()
                self._load()
                self._drain()
                self._check(final=True)
        finally:
            self.stack.stop()
        return self.figures

    def _prepare(self) -> None:
        """The demo data, an organiser, a member's document and an invited speaker, written in this
        process with the portal's own services (as manage.py would, without a process each)."""
        import yaml

        from chalicelib.accounts.service import ensure_organiser
        from chalicelib.events.importer import load
        from chalicelib.library.service import add_document
        from chalicelib.library.speakers import invite

        load(yaml.safe_load((ROOT / "demo" / "events.yaml").read_text(encoding="utf-8")))
        ensure_organiser(ORGANISER, "Soak")
        document = add_document(PDF, "soak.pdf", "Soakdocument", "members", (), "", "")
        self.material_download = f"/kennisbank/{document.id}/download"
        _speaker, link = invite(SLUG, (3,), "Soak Spreker", "Movisie", SPEAKER)
        self.speaker_link = link.removeprefix(self.stack.url)
        self.organiser = self._signed_in(ORGANISER)

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
            if to != email:
                continue
            mime = message_from_string(raw, policy=policy.default)
            html = mime.get_body(("html",)) if isinstance(mime, EmailMessage) else None
            text = html.get_content() if isinstance(html, EmailMessage) else ""
            if found := re.search(rf'href="[^"]*({pattern})"', text):
                return found.group(1)
        return ""

    def _mails(self) -> list[tuple[str, str, str]]:
        """Every mail moto's SES took, oldest first: (to, subject, the MIME text). moto's list only
        grows, so the headers of each are read once."""
        address = f"{self.stack.moto_url}{SENT_MAIL_PATH}?since={len(self.mails)}"
        with urllib.request.urlopen(address, timeout=120) as response:
            messages = json.load(response)
        for message in messages:
            headers = HeaderParser(policy=policy.default).parsestr(message["raw_data"])
            self.mails.append((message["destinations"][0].lower(), str(headers["subject"]), message["raw_data"]))
        return self.mails

    # -- load ------------------------------------------------------------------------------------

    def _load(self) -> None:
        self.running.set()
        # threads start in no network: each is given this one's
        threads = [
            threading.Thread(target=in_this_network(self._visit), args=(n,), daemon=True) for n in range(VISITORS)
        ]
        threads += [
            threading.Thread(target=in_this_network(self._message_attendees), daemon=True),
            threading.Thread(target=in_this_network(self._kill_worker_now_and_then), daemon=True),
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
                try:
                    if go:
                        act(visitor, pick)
                except (ClientError, BotoCoreError, requests.RequestException) as error:
                    # the soak's own reads (a token from the table) or S3 (an upload, a download)
                    # failed, not the portal: the visitor goes on
                    print(f"visitor skipped an action ({type(error).__name__})", flush=True)
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
        while not self.stopping.wait(random.uniform(*KILL_EVERY)):  # noqa: S311
            self.stack.kill_worker()
            with self.figures.lock:
                self.figures.kills += 1

    def _count(self, action: str) -> None:
        with self.figures.lock:
            self.figures.done[action] += 1

    # -- the invariants ---------------------------------------------------------------------------

    def _drain(self, seconds: float = 600) -> None:
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
            for attempt in range(CHECK_ATTEMPTS):
                try:
                    self._check_counters()
                    self._check_mail(final)
                    self._check_uploads()
                    break
                except (ClientError, BotoCoreError, OSError) as error:
                    # the soak's own reads, not the portal's: moto server may be slow to answer them
                    print(f"check could not read ({type(error).__name__}); trying again", flush=True)
                    if attempt == CHECK_ATTEMPTS - 1:
                        self.figures.unreadable += 1
                    time.sleep(5)
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
        from chalicelib.core import aws, config

        window = timedelta(seconds=UPLOAD_WINDOW_SECONDS)
        self.figures.unchecked = unchecked_uploads(aws.s3(), config.bucket_name(), window)


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
    injected = (ROOT / "build" / "soak.log").read_text(errors="replace").count("chaos: ")
    print(f"actions: {dict(figures.done)}; faults injected: {injected}; 503 with Retry-After: {figures.busy}")
    for line in figures.unexpected[:20]:
        print(f"unexpected: {line}")
    for line in figures.mismatches[:20]:
        print(f"counter mismatch: {line}")
    for line in figures.unchecked[:20]:
        print(f"unchecked upload: {line}")
    if figures.unreadable:
        print(f"checks the soak could not make: {figures.unreadable}")
    if figures.excess:
        print(f"copies beyond the unknown outcomes: {figures.excess}")
    print(figures.summary(), flush=True)
    sys.exit(1 if figures.failed else 0)


if __name__ == "__main__":
    main()
