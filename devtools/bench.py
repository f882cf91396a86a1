"""`make bench`: cold import, a cold start and a warm event page from the Lambda zip, AWS calls per action.

Measured in one run on this machine; a table to read, not a test: nothing fails on a number.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import boto3
import yaml

from chalicelib.accounts.model import Access, Account
from chalicelib.accounts.store import account_store
from chalicelib.events.model import Event
from chalicelib.registrations.store import registration_store
from devtools.motoserver import in_a_process

if TYPE_CHECKING:
    from chalice.test import HTTPResponse
    from mypy_boto3_dynamodb.type_defs import WriteRequestTypeDef

    from devtools.awscalls import AwsCalls

ROOT = Path(__file__).resolve().parent.parent
SLUG = "netwerkbijeenkomst-zwijndrecht"


def median_seconds(action: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def cold_import(code: str, runs: int = 7) -> float:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}
    command = [sys.executable, "-c", code]
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # warm the bytecode cache and the OS file cache
    return median_seconds(lambda: subprocess.run(command, cwd=ROOT, env=env, check=True), runs)


BARE_COLD_START = """
import boto3, chalice, jinja2
boto3.session.Session().client("dynamodb").query(
    TableName="network-portal-local",
    KeyConditionExpression="PK = :pk AND begins_with(SK, :h)",
    ExpressionAttributeValues={":pk": {"S": "N#rotterdam#EVENT#SLUG"}, ":h": {"S": "#"}},
)
jinja2.Environment(autoescape=True).from_string("<h1>{{ title }}</h1>").render(title="Netwerkbijeenkomst")
import os
os._exit(0)  # a function's process lives on: its teardown is no part of a cold start
""".replace("SLUG", SLUG)

# the app, and the API Gateway proxy event Lambda hands it for the demo meeting's page
EVENT_PAGE_REQUEST = """
import app
path = "/events/SLUG"
event = {
    "resource": "/events/{slug}", "path": path, "httpMethod": "GET",
    "headers": {"host": "127.0.0.1"}, "multiValueHeaders": {"host": ["127.0.0.1"]},  # the default network's
    "queryStringParameters": None, "multiValueQueryStringParameters": None, "pathParameters": {"slug": "SLUG"},
    "stageVariables": None, "body": None, "isBase64Encoded": False,
    "requestContext": {"resourcePath": "/events/{slug}", "httpMethod": "GET", "path": path, "stage": "api"},
}
""".replace("SLUG", SLUG)

PORTAL_COLD_START = (
    EVENT_PAGE_REQUEST
    + """
assert app.app(event, None)["statusCode"] == 200
import os
os._exit(0)
"""
)

# In a process of its own, from the unpacked zip: the handler as Lambda calls it and a raw Query of
# the same items, taken in turns so that moto server's and the machine's hiccups weigh on both alike.
WARM_EVENT_PAGE = (
    EVENT_PAGE_REQUEST
    + """
import json, statistics, time
import boto3
raw_client = boto3.client("dynamodb")


def page():
    if app.app(event, None)["statusCode"] != 200:
        raise SystemExit("no event page")


actions = {
    "page": page,
    "query": lambda: raw_client.query(
        TableName="network-portal-local",
        KeyConditionExpression="PK = :pk AND begins_with(SK, :h)",
        ExpressionAttributeValues={":pk": {"S": "N#rotterdam#EVENT#SLUG"}, ":h": {"S": "#"}},
    ),
}
samples = {name: [] for name in actions}
for turn in range(220):
    for name, action in sorted(actions.items(), reverse=turn % 2 == 1):  # each goes first in every other turn
        began = time.perf_counter()
        action()
        if turn >= 20:  # the first ones warm the process up
            samples[name].append(time.perf_counter() - began)
print(json.dumps({name: statistics.median(taken) for name, taken in samples.items()}))
""".replace("SLUG", SLUG)
)


def build_packages(scratch: Path) -> dict[str, Path]:
    """deployment.zip as chalice packages it, lean with bytecode for this machine, lean for python3.12."""
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    chalice_output = scratch / "chalice-output"
    subprocess.run(
        [str(Path(sys.executable).parent / "chalice"), "package", "--stage", "dev", str(chalice_output)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    packages = {}
    for name, lean in (("chalice", None), ("lean", here), ("lean for python3.12", "3.12")):
        folder = scratch / name.replace(" ", "-")
        shutil.copytree(chalice_output, folder)
        if lean:
            subprocess.run(
                [sys.executable, "-m", "devtools.lean_package", str(folder), "--python", lean],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
        packages[name] = folder / "deployment.zip"
    return packages


def package_rows() -> list[tuple[str, str, str]]:
    """From the unpacked zip, as Lambda runs it. A cold start: a fresh process that imports the app
    and answers one event page, as Lambda's first request does, against the bare minimum any such
    function pays. A warm event page: the same handler once the process is warm, against a raw
    Query of the same items. Nothing may write bytecode: Lambda's /var/task is read-only. Bytecode
    is this machine's Python's here; the deployed zip carries the same for python3.12."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        packages = build_packages(scratch)
        sizes = " / ".join(f"{name} {zip_.stat().st_size / 1e6:.2f} MB" for name, zip_ in packages.items())
        rows.append(("deployment.zip: as chalice packages it / lean here / lean for python3.12", sizes, ""))

        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        starts = {"bare": partial(subprocess.run, [sys.executable, "-c", BARE_COLD_START], env=env, check=True)}
        for name in ("chalice", "lean"):
            unpacked = scratch / f"unpacked-{name}"
            zipfile.ZipFile(packages[name]).extractall(unpacked)
            if name == "chalice":  # it packs this machine's bytecode, of no use on python3.12 (lean: the runtime's)
                for stale in unpacked.rglob("__pycache__"):
                    shutil.rmtree(stale)
            package_env = {**env, "PYTHONPATH": str(unpacked)}
            starts[name] = partial(
                subprocess.run,
                [sys.executable, "-c", PORTAL_COLD_START],
                cwd=unpacked,
                env=package_env,
                check=True,
                capture_output=True,
            )
        for start in starts.values():
            start()  # the OS file cache, as Lambda's
        # taken in turns, so that whatever else the machine does weighs on each alike
        samples: dict[str, list[float]] = {name: [] for name in starts}
        for _ in range(15):
            for name, start in starts.items():
                began = time.perf_counter()
                start()
                samples[name].append(time.perf_counter() - began)
        bare = statistics.median(samples["bare"])
        for name in ("chalice", "lean"):
            portal = statistics.median(samples[name])
            rows.append(
                (
                    f"cold start, import + first event page: {name} zip / bare minimum (median of 15)",
                    f"{portal * 1000:.0f} ms / {bare * 1000:.0f} ms",
                    f"{portal / bare:.2f}x",
                )
            )
        warm = subprocess.run(
            [sys.executable, "-c", WARM_EVENT_PAGE],
            cwd=scratch / "unpacked-lean",
            env={**env, "PYTHONPATH": str(scratch / "unpacked-lean")},
            check=True,
            capture_output=True,
            text=True,
        )
        medians = json.loads(warm.stdout.strip().splitlines()[-1])
        rows.append(
            (
                "warm event page from the lean zip / raw boto3 Query (moto server, median of 200)",
                f"{medians['page'] * 1000:.2f} ms / {medians['query'] * 1000:.2f} ms",
                f"{medians['page'] / medians['query']:.2f}x",
            )
        )
    return rows


def app_timer() -> Callable[[Callable[[], object]], float]:
    """A median of 20 runs of an action, without the time spent waiting for moto server, which
    answers a Query by reading the whole partition (AWS answers in a time that does not grow with it)."""
    from chalicelib.core import aws

    waiting = {"since": 0.0, "total": 0.0}

    def started(**_: object) -> None:
        waiting["since"] = time.perf_counter()

    def answered(**_: object) -> None:
        waiting["total"] += time.perf_counter() - waiting["since"]

    aws.dynamodb().meta.events.register("before-send.dynamodb.*", started)
    aws.dynamodb().meta.events.register("needs-retry.dynamodb.*", answered)

    def app_seconds(action: Callable[[], object]) -> float:
        samples = []
        for _ in range(20):
            waiting["total"] = 0.0
            start = time.perf_counter()
            action()
            samples.append(time.perf_counter() - start - waiting["total"])
        return statistics.median(samples)

    return app_seconds


def load_scale(size: int) -> str:
    """An event with `size` confirmed registrations (and its figures), and a search index of `size`
    public materials built here (the worker would read every file); the event's slug."""
    import sqlite3
    import tempfile
    from collections import Counter

    from chalicelib.core import aws, clock, config
    from chalicelib.core.dynamo import to_attrs
    from chalicelib.events.model import Event, EventStatus
    from chalicelib.events.workspace import import_event
    from chalicelib.library import search_files, search_index
    from chalicelib.library.model import FileType, Material, MaterialAccess, MaterialStatus
    from chalicelib.registrations.model import Registration

    slug, day = f"bench-schaal-{size}", (clock.now() + timedelta(days=40)).date()
    event = Event(
        slug=slug,
        title=f"Schaal {size}",
        date=day,
        start="13:00",
        end="17:00",
        venue="Gemeentehuis",
        capacity=6000,
        status=EventStatus.PUBLISHED,
    )
    import_event("bench", event, clock.now())
    regs = [
        Registration(
            slug,
            f"t{size}-{i:05d}" + "x" * 30,
            f"Deelnemer {i}",
            f"d{size}-{i}@gemeente.nl",
            f"Gemeente {i % 40}",
            "",
            clock.now(),
        )
        for i in range(size)
    ]
    for start in range(0, size, 25):
        puts: list[WriteRequestTypeDef] = [
            {"PutRequest": {"Item": to_attrs(r.to_item())}} for r in regs[start : start + 25]
        ]
        aws.dynamodb().batch_write_item(RequestItems={config.table_name(): puts})
    registration_store().put_figures(slug, sum((r.figures() for r in regs), Counter()))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "index.sqlite"
        with sqlite3.connect(path) as connection:
            search_index.create(connection)
            for i in range(size):
                material = Material(
                    id=f"_.b{i:05d}",
                    title=f"Verslag {i} over polarisatie",
                    file_type=FileType.PDF,
                    access=MaterialAccess.PUBLIC,
                    date=day,
                    object_key="k",
                    size=1,
                    filename="v.pdf",
                    uploaded_at=clock.now(),
                    status=MaterialStatus.PUBLISHED,
                    themes=("polarisatie",),
                )
                search_index.put(connection, material, "Movisie", f"Tekst {i} over radicalisering en extremisme")
        connection.close()
        search_files.upload_index(path)
    return slug


def scale_rows(counter: AwsCalls) -> list[tuple[str, str, str]]:
    """Each organisers' list and a warm library search at 10, 1,000 and 5,000 items: the app's time,
    AWS calls and DynamoDB items read, measured at the service each page calls, in one run."""
    from chalicelib.library import search
    from chalicelib.library.search_index import Filters
    from chalicelib.registrations import attendance

    app_seconds, sizes, measured = app_timer(), (10, 1000, 5000), {}
    for size in sizes:
        slug = load_scale(size)
        search.forget_copy()
        search.search(None, Filters(q="radicaliseringen"), set())  # load the index: warm from here
        actions: dict[str, Callable[[], object]] = {
            "registrations list, one page": partial(attendance.listing, slug, {}),
            "check-in, a name": partial(attendance.check_in_listing, slug, {"q": "deelnemer 7"}),
            "overview": partial(attendance.overview, slug),
            "library search (warm)": lambda: search.search(None, Filters(q="radicaliseringen"), set()),
        }
        for label, action in actions.items():
            counter.reset()
            action()
            calls, items = sum(counter.calls.values()), counter.items_read  # of one run
            measured[(label, size)] = (app_seconds(action), calls, items)
    rows = []
    for label in ("registrations list, one page", "check-in, a name", "overview", "library search (warm)"):
        cells = ", ".join(
            f"{s}: {measured[(label, s)][0] * 1000:.1f} ms {measured[(label, s)][1]} calls "
            f"{measured[(label, s)][2]} items"
            for s in sizes
        )
        # at 10 a page holds fewer items than at 1,000: both ratios are shown
        small, middle, large = (measured[(label, s)][0] for s in sizes)
        rows.append((f"scale: {label}", cells, f"{large / small:.2f}x / {large / middle:.2f}x"))
    return rows


def index_size_rows() -> list[tuple[str, str, str]]:
    """The search index a cold web function loads whole: 5,000 materials with 8 KB of text each
    (the extracted text of a slide deck is 2-20 KB), words drawn from a vocabulary of 20,000. Its
    size in S3 and the first search of a fresh process (HeadObject, GetObject, open, query)."""
    import random
    import sqlite3
    import tempfile

    from chalicelib.core import clock
    from chalicelib.library import search, search_files, search_index
    from chalicelib.library.model import FileType, Material, MaterialAccess, MaterialStatus
    from chalicelib.library.search_index import Filters

    chance = random.Random(7)  # noqa: S311 (text for a measurement)
    syllables = ["ra", "di", "ca", "li", "se", "ring", "po", "la", "ri", "sa", "tie", "ex", "tre", "mis", "me", "wijk"]
    vocabulary = ["".join(chance.choices(syllables, k=chance.randint(2, 5))) for _ in range(20_000)]
    count = 5000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "index.sqlite"
        with sqlite3.connect(path) as connection:
            search_index.create(connection)
            for i in range(count):
                text = " ".join(chance.choices(vocabulary, k=1200))  # about 8 KB
                material = Material(
                    id=f"_.t{i:05d}",
                    title=f"Presentatie {i}",
                    file_type=FileType.PDF,
                    access=MaterialAccess.PUBLIC,
                    date=clock.now().date(),
                    object_key="k",
                    size=1,
                    filename="p.pdf",
                    uploaded_at=clock.now(),
                    status=MaterialStatus.PUBLISHED,
                )
                search_index.put(connection, material, "Spreker", text)
        connection.close()
        megabytes = path.stat().st_size / 1e6
        search_files.upload_index(path)
    search.forget_copy()
    start = time.perf_counter()
    search.search(None, Filters(q=vocabulary[0]), set())
    cold = time.perf_counter() - start
    warm = median_seconds(lambda: search.search(None, Filters(q=vocabulary[1]), set()), 20)
    # parts of words: four letters that begin hundreds of the vocabulary's words, and a word's end
    beginning, end = vocabulary[2][:4], vocabulary[3][-6:]
    begins = median_seconds(lambda: search.search(None, Filters(q=beginning), set()), 20)
    ends = median_seconds(lambda: search.search(None, Filters(q=end), set()), 20)
    return [
        (
            "search index, 5,000 materials x 8 KB text: size / cold first search / warm",
            f"{megabytes:.1f} MB / {cold * 1000:.0f} ms / {warm * 1000:.1f} ms",
            "",
        ),
        (
            "search index, 5,000 materials: a word's beginning / end (warm)",
            f"{beginning}: {begins * 1000:.1f} ms / {end}: {ends * 1000:.1f} ms",
            "",
        ),
    ]


def sign_in_rows(post: Callable[[str, dict[str, str]], object]) -> list[tuple[str, str, str]]:
    """Whether a sign-in request's answer takes longer for an address with an account: measured in
    pairs (known, then unknown), each address once, so no rate limit is reached."""
    from chalicelib.accounts.model import Account, AccountStatus
    from chalicelib.core import clock

    runs = 40
    for n in range(runs):
        account = Account(f"bekend{n}@rotterdam.nl", "Lid", "", "", clock.now(), status=AccountStatus.APPROVED)
        account_store().create(account, 0)
    known: list[float] = []
    unknown: list[float] = []
    for n in range(runs):
        for address, samples in ((f"bekend{n}@rotterdam.nl", known), (f"onbekend{n}@rotterdam.nl", unknown)):
            start = time.perf_counter()
            post("/inloggen", {"email": address})
            samples.append(time.perf_counter() - start)
    a, b = statistics.median(known), statistics.median(unknown)
    return [
        (
            "sign-in request: known / unknown address (median of 40)",
            f"{a * 1000:.1f} ms / {b * 1000:.1f} ms",
            f"{a / b:.2f}x",
        )
    ]


def mail_job_rows(counter: AwsCalls) -> list[tuple[str, str, str]]:
    """Starting a message to 10 and to 2,000 attendees (the request's time and AWS calls), then the
    mail worker's throughput against moto server with pacing off."""
    from chalicelib.core import aws, clock
    from chalicelib.registrations import attendance
    from chalicelib.views.jobs import send_mail
    from devtools.queueworker import deliver_all

    os.environ["MAIL_RATE_PER_SECOND"] = "1000000"
    organiser = Account("bench@gemeente.nl", "Bench", "", "", clock.now(), access=Access.ORGANISER)
    rows, seconds, events = [], {}, {}
    for size in (10, 2000, PACED_MAILS):  # every event's people first: the requests then see the same table
        events[size] = registered(size)
    form = {"subject": "Bench", "body": "Tekst."}
    for size in (10, 2000):
        counter.reset()
        attendance.message(organiser, events[size], form)
        calls = ", ".join(f"{op} {n}" for op, n in sorted(counter.calls.items()))
        seconds[size] = median_seconds(partial(attendance.message, organiser, events[size], form), 5)
        rows.append((f"start a mail job: {size} recipients", f"{seconds[size] * 1000:.1f} ms; {calls}", ""))
    rows.append(("start a mail job: 2,000 / 10 recipients", "", f"{seconds[2000] / seconds[10]:.2f}x"))
    queue_url = os.environ.get("MAIL_QUEUE_URL", "")
    aws.sqs().purge_queue(QueueUrl=queue_url)  # the timed requests' jobs; one more is the worker's load
    attendance.message(organiser, events[2000], form)
    began = time.perf_counter()
    deliver_all(aws.sqs(), queue_url, send_mail)
    elapsed = time.perf_counter() - began
    rows.append(
        (
            "mail worker throughput (moto server, no pacing)",
            f"2,000 mails in {elapsed:.1f} s",
            f"{2000 / elapsed:.0f}/s",
        )
    )
    return rows + paced_mail_rows(organiser, events[PACED_MAILS], form)


# recipients of the paced runs: twenty seconds at SES's default rate
PACED_MAILS = 280
# how long SES takes to answer one send from a Lambda in its region, roughly
SES_ANSWER_SECONDS = 0.08


def registered(size: int) -> Event:
    """A meeting with `size` confirmed registrations, written straight to the table."""
    from chalicelib.core import aws, clock
    from chalicelib.core.dynamo import to_attrs
    from chalicelib.events.workspace import import_event
    from chalicelib.registrations.model import Registration

    day = (clock.now() + timedelta(days=30)).date()
    event = Event(f"bench-{size}", f"Bench {size}", day, "13:00", "17:00", "Stadhuis", 5000)
    import_event("bench", event, clock.now())
    for start in range(0, size, 25):
        puts: list[WriteRequestTypeDef] = [
            {
                "PutRequest": {
                    "Item": to_attrs(
                        Registration(
                            event.slug,
                            f"t{size}-{i}" + "x" * 30,
                            f"Naam {i}",
                            f"p{i}@gemeente.nl",
                            "Gemeente",
                            "",
                            clock.now(),
                        ).to_item()
                    )
                }
            }
            for i in range(start, min(start + 25, size))
        ]
        aws.dynamodb().batch_write_item(RequestItems={"network-portal-local": puts})
    return event


def paced_mail_rows(organiser: Account, event: Event, form: dict[str, str]) -> list[tuple[str, str, str]]:
    """The mail worker at SES's default 14 a second, with SES answering in 80 ms: one send at a time
    (each recipient's claim, send and mark one after the other) against MAIL_SENDERS threads. The
    sending rate runs from the first SES call to the last; the job's, from the queue message on
    (finding the recipients and each batch's bookkeeping included)."""
    from chalicelib.core import aws, config
    from chalicelib.registrations import attendance
    from chalicelib.views.jobs import send_mail
    from devtools.queueworker import deliver_all

    os.environ["MAIL_RATE_PER_SECOND"] = "14"
    queue_url = os.environ.get("MAIL_QUEUE_URL", "")
    threads = config.MAIL_SENDERS
    sends: list[float] = []

    def slow_answer(**_: object) -> None:
        time.sleep(SES_ANSWER_SECONDS)
        sends.append(time.perf_counter())

    aws.ses_for_worker().meta.events.register("before-send.ses.SendRawEmail", slow_answer)
    rows = []
    for senders in (1, threads):
        config.MAIL_SENDERS = senders
        sends.clear()
        attendance.message(organiser, event, form)
        began = time.perf_counter()
        deliver_all(aws.sqs(), queue_url, send_mail)
        job = PACED_MAILS / (time.perf_counter() - began)
        sending = (len(sends) - 1) / (sends[-1] - sends[0])
        rows.append(
            (
                f"mail worker at 14/s, SES answering in {SES_ANSWER_SECONDS * 1000:.0f} ms, {senders} sender(s)",
                f"sending {sending:.1f}/s; whole job {job:.1f}/s ({PACED_MAILS} mails)",
                f"{sending / 14:.2f}x of 14/s",
            )
        )
    config.MAIL_SENDERS = threads
    aws.ses_for_worker().meta.events.unregister("before-send.ses.SendRawEmail", slow_answer)
    return rows


def main() -> None:
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION=os.environ.get("AWS_DEFAULT_REGION", "eu-west-1"),
    )
    bare = cold_import("import chalice, boto3, jinja2")
    portal = cold_import("import app")
    rows = [
        (
            "cold import: app / bare chalice+boto3+jinja2",
            f"{portal * 1000:.0f} ms / {bare * 1000:.0f} ms",
            f"{portal / bare:.2f}x",
        )
    ]

    from chalice.test import Client

    from app import app
    from chalicelib.accounts import csrf
    from chalicelib.core import aws
    from chalicelib.events.importer import load
    from devtools.awscalls import AwsCalls
    from devtools.resources import create_all
    from devtools.stage import default_network, from_host, use_stage

    with in_a_process() as url, Client(app, stage_name="local") as plain, default_network():
        client = from_host(plain, "127.0.0.1:8000")
        urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST")).close()
        os.environ["AWS_ENDPOINT_URL"] = url
        use_stage("local")
        aws.reset()
        create_all(boto3.session.Session(), os.environ)
        load(yaml.safe_load((ROOT / "demo" / "events.yaml").read_text()))

        rows += package_rows()  # before the scale rows fill moto server

        counter = AwsCalls().attach()
        secret = csrf.new_secret()
        cookie = {"cookie": f"csrf={secret}"}

        def post(path: str, form: dict[str, str]) -> HTTPResponse:
            body = urlencode({**form, "csrf_token": csrf.token_for(secret, "")})
            return client.http.post(
                path, body=body, headers={**cookie, "content-type": "application/x-www-form-urlencoded"}
            )

        def form(n: int) -> dict[str, str]:
            return {
                "name": f"Deelnemer {n}",
                "email": f"deelnemer{n}@gemeente.nl",
                "organisation": "Gemeente",
                "role": "Beleidsadviseur gemeente (OOV)",
                "answer_1": "yes",  # the demo meeting's required question: joining the drinks
                "attendance": "location",  # the demo meeting is hybrid: on location or online
                "round_7": "2",  # and has a workshop round (slot 7): a seat on location chooses one
                "consent": "yes",
            }

        actions: list[tuple[str, Callable[[], HTTPResponse]]] = [
            ("GET /", lambda: client.http.get("/")),
            ("GET /events/{slug}", lambda: client.http.get(f"/events/{SLUG}")),
            ("POST register (seat free)", lambda: post(f"/events/{SLUG}/aanmelden", form(1))),
            ("POST register (same address again)", lambda: post(f"/events/{SLUG}/aanmelden", form(1))),
        ]
        for label, action in actions:
            counter.reset()
            action()
            rows.append((f"AWS calls: {label}", ", ".join(f"{op} {n}" for op, n in sorted(counter.calls.items())), ""))
        # the personal link goes only by mail: the bench takes it from the table
        [token] = [r.token for r in registration_store().list_for_event(SLUG) if r.email == form(1)["email"]]
        counter.reset()
        client.http.get(f"/r/{token}")
        rows.append(
            ("AWS calls: GET /r/{token}", ", ".join(f"{op} {n}" for op, n in sorted(counter.calls.items())), "")
        )
        counter.reset()
        post(f"/r/{token}/annuleren", {})
        rows.append(
            (
                "AWS calls: POST cancel (nobody waiting)",
                ", ".join(f"{op} {n}" for op, n in sorted(counter.calls.items())),
                "",
            )
        )

        rows += sign_in_rows(post)
        rows += mail_job_rows(counter)
        rows += scale_rows(counter)
        rows += index_size_rows()

    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure'.ljust(width)}  {'value':<58} ratio")
    for label, value, ratio in rows:
        print(f"{label.ljust(width)}  {value:<58} {ratio}")


if __name__ == "__main__":
    main()
