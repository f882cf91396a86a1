"""Fixtures: moto-backed AWS, the Chalice test client, factories, a movable clock.

No test can reach real AWS: credentials are fake and every AWS test runs
inside `mock_aws` or against a moto server on 127.0.0.1.
"""

from __future__ import annotations

import base64
import codecs
import csv
import functools
import io
import json
import secrets
import socket
import subprocess
import sys
import urllib.parse
import urllib.request
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError
from chalice.test import Client
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib import stores
from chalicelib.accounts import csrf, sessions
from chalicelib.core import aws, clock, config
from chalicelib.core.config import TIMEZONE
from chalicelib.core.dynamo import to_attrs
from chalicelib.events.model import Event, Slot, Speaker
from chalicelib.library import search
from chalicelib.mail import outbox
from devtools.awscalls import AwsCalls
from devtools.localrun import local_env, start_portal, start_worker, wait_for
from devtools.motoserver import MotoServer
from devtools.queueworker import deliver_all, from_topic
from devtools.resources import QUEUES, SES_EVENTS, create_all, create_queues, dead_letter_url

ROOT = Path(__file__).resolve().parent.parent
REGION = "eu-west-1"
LOCAL_STAGE = json.loads((ROOT / ".chalice" / "config.json").read_text())["stages"]["local"]["environment_variables"]
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=TIMEZONE)


@pytest.fixture(autouse=True)
def no_real_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Blank anything that could point boto3 at a real account."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE", "SECRET_KEY_PARAMETER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    for name, value in LOCAL_STAGE.items():
        monkeypatch.setenv(name, value)
    aws.reset()
    yield
    aws.reset()


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> dict[str, datetime]:
    """The portal's clock, starting at NOW and ticking 1 ms per reading, as a real clock
    moves between two requests; set `now['value']` to jump."""
    state = {"value": NOW}

    def tick() -> datetime:
        state["value"] += timedelta(milliseconds=1)
        return state["value"]

    monkeypatch.setattr(clock, "now", tick)
    return state


_MOTO = mock_aws()


@functools.cache
def _test_clients() -> tuple[Any, Any, Any]:
    """The fixtures' own clients, made once: making a client costs more than emptying the table."""
    session = boto3.session.Session(region_name=REGION)
    return session.client("dynamodb"), session.client("s3"), session.client("sqs")


def _empty_resources() -> None:
    """Every item, object version, queued message and sent mail of the local stage's resources removed."""
    dynamodb, s3, sqs = _test_clients()
    for page in dynamodb.get_paginator("scan").paginate(
        TableName=LOCAL_STAGE["TABLE_NAME"], ProjectionExpression="PK, SK"
    ):
        for start in range(0, len(page["Items"]), 25):
            deletes = [{"DeleteRequest": {"Key": key}} for key in page["Items"][start : start + 25]]
            dynamodb.batch_write_item(RequestItems={LOCAL_STAGE["TABLE_NAME"]: deletes})
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=LOCAL_STAGE["BUCKET_NAME"]):
        versions = [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
        if versions:
            objects = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in versions]
            s3.delete_objects(Bucket=LOCAL_STAGE["BUCKET_NAME"], Delete={"Objects": objects})
    # SQS allows one purge a minute; a fresh pair of queues costs less than waiting
    for variable, resource in QUEUES.items():
        for url in (LOCAL_STAGE[variable], dead_letter_url(LOCAL_STAGE[variable])):
            sqs.delete_queue(QueueUrl=url)
        create_queues(sqs, LOCAL_STAGE[variable], resource, visibility_seconds=30)
    sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName=SES_EVENTS)["QueueUrl"])
    sqs.create_queue(QueueName=SES_EVENTS)  # the topic's subscription names it by its unchanged ARN
    ses = ses_backends[DEFAULT_ACCOUNT_ID][REGION]
    ses.sent_messages.clear()
    ses.sent_message_count = ses.rejected_messages_count = 0


@pytest.fixture
def moto(now: dict[str, datetime]) -> Iterator[None]:
    """In-process moto with the local stage's table, bucket and SES sender, empty at the start of each test.

    Making them takes 0.3-0.6 s, emptying them about 0.02 s, so they are made once and kept
    between tests (patching stops after each test, the data stays). Emptied: every item,
    every object version and the sent mail, which is all the portal writes. Kept: the
    resources' own settings (a test that changes a bucket setting must put it back). The
    moto server tests reset moto's backends in this same process; the table is then made again.
    """
    _MOTO.start(reset=False)
    try:
        try:
            _test_clients()[0].describe_table(TableName=LOCAL_STAGE["TABLE_NAME"])
        except ClientError:
            session = boto3.session.Session()
            create_all(session, LOCAL_STAGE)
        else:
            _empty_resources()
        search.forget_copy()  # the last test's index is gone from the bucket
        yield
    finally:
        _MOTO.stop(remove_data=False)


@pytest.fixture
def client(moto: None) -> Iterator[Client]:
    from app import app

    with Client(app, stage_name="local") as test_client:
        yield test_client


def build_event(**overrides: Any) -> Event:
    fields: dict[str, Any] = {
        "slug": "netwerkbijeenkomst-test",
        "title": "Netwerkbijeenkomst Maatschappelijk ongenoegen",
        "date": date(2027, 3, 18),
        "start": "13:15",
        "end": "17:00",
        "venue": "Gemeentehuis Zwijndrecht",
        "room": "Raadzaal",
        "address": "Raadhuisplein 1, Zwijndrecht",
        "capacity": 3,
        "summary": "Kennismaking en kennisdeling.",
        "audience": "Aandachtsfunctionarissen en beleidsadviseurs",
        "roles": ("Aandachtsfunctionaris", "Specialist CTER (politie)"),
        "themes": ("polarisatie", "radicalisering"),
        "registration_deadline": datetime(2027, 3, 11, 17, 0, tzinfo=TIMEZONE),
        "programme": [
            Slot(1, "13:15", "13:30", "Inloop met koffie en thee"),
            Slot(2, "13:30", "13:40", "Welkomstwoord", (Speaker("Burgemeester Haan", "Gemeente Zwijndrecht"),)),
            Slot(3, "13:55", "14:35", "Leernetwerk Polarisatie", (Speaker("Annemarie van Hinsberg", "Movisie"),)),
        ],
    }
    fields.update(overrides)
    return Event(**fields)


def store_event(event: Event) -> None:
    """Create or replace an event the way the import does: conditional on its version, counters untouched."""
    from chalicelib.events.workspace import import_event

    import_event("tests", event, clock.now())


@pytest.fixture
def make_event(moto: None) -> Any:
    """Store an event (published, 3 seats, in 2027 unless overridden) and return it."""

    def make(**overrides: Any) -> Event:
        event = build_event(**overrides)
        store_event(event)
        return event

    return make


def confirmed_attendees(count: int, slug: str = "netwerkbijeenkomst-test") -> list[str]:
    """Confirmed registrations written straight to the table (25 a call), as the stores keep them; their addresses."""
    from chalicelib.registrations.model import Registration

    now = clock.now()
    regs = [
        Registration(
            slug, f"token{i:05d}" + "x" * 30, f"Deelnemer {i}", f"deelnemer{i}@zwijndrecht.nl", "Gemeente", "", now
        )
        for i in range(count)
    ]
    for start in range(0, count, 25):
        puts = [{"PutRequest": {"Item": to_attrs(r.to_item())}} for r in regs[start : start + 25]]
        aws.dynamodb().batch_write_item(RequestItems={LOCAL_STAGE["TABLE_NAME"]: puts})
    figures: Counter[str] = Counter()
    for reg in regs:
        figures.update(reg.figures())
    stores.registrations().put_figures(slug, figures)  # as the registration transactions would have kept them
    return [r.email for r in regs]


def deliver_mail() -> int:
    """Run the mail worker until the queue is empty, through the handler Lambda calls; the messages handled."""
    from chalicelib.views.jobs import send_mail

    return deliver_all(aws.sqs(), LOCAL_STAGE["MAIL_QUEUE_URL"], send_mail)


def deliver_sign_in_links() -> int:
    """Run the sign-in worker until its queue is empty: the links asked for are mailed (to approved accounts)."""
    from chalicelib.views.jobs import send_sign_in_link

    return deliver_all(aws.sqs(), LOCAL_STAGE["SIGNIN_QUEUE_URL"], send_sign_in_link)


def deliver_index() -> int:
    """Run the search index worker until its queue is empty, through the handler Lambda calls; then
    drop this process's copy of the index, as a web function does when it next asks S3 (a minute later)."""
    from chalicelib.views.jobs import update_search_index

    handled = deliver_all(aws.sqs(), LOCAL_STAGE["INDEX_QUEUE_URL"], update_search_index)
    search.forget_copy()
    return handled


def deliver_exports() -> int:
    """Run the export worker until its queue is empty, through the handler Lambda calls."""
    from chalicelib.views.jobs import make_export

    return deliver_all(aws.sqs(), LOCAL_STAGE["EXPORT_QUEUE_URL"], make_export)


def _ses_events_url() -> str:
    return str(aws.sqs().get_queue_url(QueueName=SES_EVENTS)["QueueUrl"])


def deliver_ses_events() -> int:
    """Hand what SNS put on the local SES-events queue to the notifications handler, as Lambda's SNS event."""
    from chalicelib.views.jobs import ses_notifications

    return deliver_all(aws.sqs(), _ses_events_url(), from_topic(ses_notifications))


def registration_form(**overrides: str) -> dict[str, str]:
    form = {
        "name": "Fatima el Amrani",
        "email": f"fatima.{secrets.token_hex(3)}@zwijndrecht.nl",
        "organisation": "Gemeente Zwijndrecht",
        "role": "Aandachtsfunctionaris",
        "remarks": "",
        "consent": "yes",
    }
    form.update(overrides)
    return form


@dataclass(frozen=True)
class Mail:
    destinations: dict[str, list[str]]
    subject: str
    body: str  # the HTML part
    raw: str  # the MIME text


def sent_mail() -> list[Mail]:
    """What moto's SES accepted, oldest first, read with the local outbox's parser."""
    mails = []
    for message in ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages:
        parsed = outbox.parse(vars(message))
        mails.append(Mail({"ToAddresses": parsed.to.split(", ")}, parsed.subject, parsed.html, message.raw_data))
    return mails


class FormSession:
    """A browser-like visitor for the Chalice test client: keeps cookies, posts forms with CSRF."""

    def __init__(self, client: Client, language: str = "nl") -> None:
        self.client = client
        self.secret = csrf.new_secret()
        self.language = language
        self.session = ""  # the session cookie, once signed in

    @property
    def cookie(self) -> str:
        session = f"; sessie={self.session}" if self.session else ""
        return f"{csrf.COOKIE}={self.secret}; lang={self.language}{session}"

    def get(self, path: str) -> Any:
        return self.client.http.get(path, headers={"cookie": self.cookie})

    def post(self, path: str, form: dict[str, str], with_token: bool = True) -> Any:
        from urllib.parse import urlencode

        data = dict(form)
        if with_token:
            data[csrf.FIELD] = csrf.token_for(self.secret, sessions.session_id(self.session))
        return self.client.http.post(
            path,
            body=urlencode(data),
            headers={"content-type": "application/x-www-form-urlencoded", "cookie": self.cookie},
        )


class _UploadForm(HTMLParser):
    """The upload form of a page: its hidden fields and the keys its choices offer, by label."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.keys: dict[str, str] = {}
        self._option: str | None = None
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._inside = found.get("id") == "upload-form"
        elif self._inside and tag == "input" and found.get("type") == "hidden":
            self.fields[found["name"]] = found.get("value", "")
        elif self._inside and tag == "option":
            self._option = found["value"]

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self.keys[data.strip()] = self._option
            self._option = None

    def handle_endtag(self, tag: str) -> None:
        self._inside = self._inside and tag != "form"


def upload_through_page(
    page: str, content: bytes, filename: str = "Mijn dia's.pdf", choice: str = "", content_type: str = ""
) -> str:
    """Store in S3 what a browser sends with the page's upload form, and return the key.

    `choice` is part of an option's label (a slot, an event); without, the form's only or first
    key. moto does not hold a POST to its policy, so this does: the key must start with the signed
    prefix and the type be the signed one (unless `content_type` plays a browser that lies)."""
    form = _UploadForm()
    form.feed(page)
    key = form.fields.get("key") or next(k for label, k in form.keys.items() if choice in label)
    conditions = json.loads(base64.b64decode(form.fields["policy"]))["conditions"]
    [prefix] = [c[2] for c in conditions if isinstance(c, list) and c[:2] == ["starts-with", "$key"]]
    assert key.startswith(prefix), (key, prefix)
    assert {"Content-Type": form.fields["Content-Type"]} in conditions
    aws.s3().put_object(
        Bucket=config.bucket_name(),
        Key=key,
        Body=content,
        ContentType=content_type or form.fields["Content-Type"],
        Metadata={"filename": urllib.parse.quote(filename)},  # percent-encoded, as upload.js sends it
    )
    return key


def download_export(session: FormSession, start: str, file_format: str = "csv") -> requests.Response:
    """Ask for an export as an organiser does (a POST to `start` with the button for `file_format`), run
    the export worker, and fetch the file through the page's link, which sends the browser on to S3."""
    started = session.post(start, {"formaat": file_format})
    assert started.status_code == 303, started.body
    page = started.headers["Location"]
    assert page.startswith("/beheer/exports/")
    deliver_exports()
    link = session.get(page + "/bestand")
    assert link.status_code == 303, link.body
    return requests.get(link.headers["Location"], timeout=10)


def xlsx_rows(response: requests.Response) -> tuple[str, list[list[str]], str]:
    """An Excel workbook's one sheet: its name, its rows as text, and the sheet's XML (to look for formulas).
    Cells hold shared strings or inline ones (what XlsxWriter writes in its constant-memory mode)."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

    def text(node: ElementTree.Element) -> str:
        return "".join(t.text or "" for t in node.iter(f"{main}t"))

    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        names = set(book.namelist())
        # the portal's own output, read in a test: no untrusted XML
        parse = ElementTree.fromstring
        shared = (
            [text(si) for si in parse(book.read("xl/sharedStrings.xml"))] if "xl/sharedStrings.xml" in names else []
        )
        sheet_xml = book.read("xl/worksheets/sheet1.xml").decode()
        [sheet] = list(parse(book.read("xl/workbook.xml")).iter(f"{main}sheet"))
    rows = [
        [shared[int(c.findtext(f"{main}v", ""))] if c.get("t") == "s" else text(c) for c in row.iter(f"{main}c")]
        for row in parse(sheet_xml).iter(f"{main}row")
    ]
    return sheet.get("name", ""), rows, sheet_xml


def csv_rows(response: requests.Response) -> list[list[str]]:
    """The CSV as Excel with Dutch settings reads it: UTF-8 behind a byte order mark, cells split at semicolons."""
    assert response.content.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def visitor(client: Client) -> FormSession:
    return FormSession(client)


@pytest.fixture
def aws_calls(moto: None) -> AwsCalls:
    return AwsCalls().attach()


@pytest.fixture
def moto_server(monkeypatch: pytest.MonkeyPatch, now: dict[str, datetime]) -> Iterator[str]:
    """A moto server over HTTP for the portal's own clients, for tests with many threads
    (in-process mock_aws is not thread-safe). Resources as in the local stage."""
    # many clients queue at a server that answers one request at a time
    monkeypatch.setattr(
        aws, "_CLIENT_CONFIG", Config(read_timeout=120, max_pool_connections=100, retries={"mode": "standard"})
    )
    with MotoServer() as url:
        # moto's backends are global to the process: start from nothing
        urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST")).close()
        monkeypatch.setenv("AWS_ENDPOINT_URL", url)
        aws.reset()
        create_all(boto3.session.Session(), LOCAL_STAGE)
        yield url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class LivePortal:
    url: str
    moto_url: str
    env: dict[str, str]

    def manage(self, *args: str) -> str:
        """Run manage.py against this portal's moto server, as an organiser would; its output."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True, capture_output=True, text=True
        )
        return done.stdout


@pytest.fixture(scope="module")
def live_portal() -> Iterator[LivePortal]:
    """moto server, resources and demo data as `make run` makes them, then `chalice local`:
    the portal over real HTTP. Module-scoped, because moto's backends are global to the
    process and the in-process `mock_aws` of other modules resets them."""
    with MotoServer() as moto_url:
        urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST")).close()
        port = _free_port()
        env = local_env(moto_url, port)
        session = boto3.session.Session(
            aws_access_key_id="local", aws_secret_access_key="local", region_name=env["AWS_DEFAULT_REGION"]
        )
        create_all(session, LOCAL_STAGE, moto_url, origin=env["BASE_URL"])
        subprocess.run([sys.executable, "manage.py", "load-events", "demo/events.yaml"], cwd=ROOT, env=env, check=True)
        process = start_portal(env, port)
        worker = start_worker(env)  # the mail worker, polling the queue as under make run
        try:
            wait_for(f"http://127.0.0.1:{port}/")
            yield LivePortal(f"http://127.0.0.1:{port}", moto_url, env)
        finally:
            for running in (worker, process):
                running.terminate()
                running.wait(timeout=10)


def in_days(days: int) -> datetime:
    return NOW + timedelta(days=days)
