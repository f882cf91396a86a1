"""Fixtures shared by every folder: fake credentials, a movable clock, moto (in process, and as a
server for threads), the Chalice test client, the live stack, and a signed-in organiser.

Helpers that are not fixtures live in `tests/support/`; no test module imports another.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.config import Config
from chalice.test import Client

from chalicelib.core import aws, clock, tenancy
from chalicelib.core.tenancy import Network
from chalicelib.events.model import Event
from chalicelib.networks import service as networks
from devtools.awscalls import AwsCalls
from devtools.localgateway import install as greedy_routes
from devtools.motoserver import MotoServer
from devtools.resources import create_all
from devtools.stage import from_host
from tests.support import moto_speed
from tests.support.accounts import make_account, sign_in
from tests.support.aws import LOCAL_STAGE, NOW, REGION, local_stage
from tests.support.factories import build_event, store_event
from tests.support.live import LivePortal, live_stack, reset_moto
from tests.support.web import FormSession

DEFAULT_HOST = "127.0.0.1:8000"

moto_speed.install()
greedy_routes()  # the test client routes as API Gateway does, as `make run` does


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
    networks.forget()
    yield
    aws.reset()


@pytest.fixture(autouse=True)
def default_network(no_real_aws: None) -> Iterator[Network]:
    """A test's own reads and writes happen in the default network, as its requests do (they come
    from the default network's host, `client` below)."""
    with tenancy.within(networks.from_environment()) as network:
        yield network


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


@pytest.fixture
def moto(now: dict[str, datetime]) -> Iterator[None]:
    """In-process moto with the local stage's resources, empty at the start of each test (`local_stage`),
    and the list of networks read, as a warm process holds it (so AWS calls counted are a warm page's)."""
    with local_stage():
        networks.all_networks()
        yield


@pytest.fixture
def client(moto: None) -> Iterator[Client]:
    from app import app

    with Client(app, stage_name="local") as test_client:
        yield from_host(test_client, DEFAULT_HOST)  # the default network's, unless a request names its own


@pytest.fixture
def make_event(moto: None) -> Any:
    """Store an event (published, 3 seats, in 2027 unless overridden) and return it."""

    def make(**overrides: Any) -> Event:
        event = build_event(**overrides)
        store_event(event)
        return event

    return make


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
        reset_moto(url)
        monkeypatch.setenv("AWS_ENDPOINT_URL", url)
        aws.reset()
        create_all(boto3.session.Session(), LOCAL_STAGE)
        yield url


@pytest.fixture(scope="session")
def live_portal() -> Iterator[LivePortal]:
    """The portal over real HTTP for every end-to-end and browser test of the session (of the worker,
    under pytest-xdist). Tests keep to their own data; one that must stop or break a service makes a
    stack of its own with `live_stack()`."""
    with live_stack() as portal:
        yield portal


@pytest.fixture
def organiser(client: Client) -> FormSession:
    """An organiser, signed in through the mailed link."""
    make_account("org@zwijndrecht.nl", access="organiser")
    return sign_in(FormSession(client), "org@zwijndrecht.nl")


# What the fuzz tests counted (record_property "counts"), printed at the end of every run; pytest-xdist
# hands each worker's reports to this hook in the main process, so the lines survive parallel runs.
_COUNTS: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        _COUNTS.extend(str(value) for name, value in report.user_properties if name == "counts")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for line in _COUNTS:
        terminalreporter.write_line(line)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Under `--dist loadgroup` (`make test`) pytest-xdist keeps the tests of one `xdist_group` in one
    process by adding "@group" to their ids. Where it cannot (pytest 9.2 with xdist 3.8), the tests
    spread over both processes without a word, and each process builds the group's costly fixtures
    again: such a test fails instead."""
    grouped = getattr(item.config.option, "loadgroup", False)  # set in xdist's processes only
    if grouped and any(item.iter_markers("xdist_group")) and "@" not in item.nodeid:
        pytest.fail("pytest-xdist lost this test's xdist_group: see the pin of pytest in requirements-dev.txt")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that talks to a server over real HTTP (moto server, `chalice local`) is `live`, so that
    `make test-fast` can leave it out; the fixture it asks for says so."""
    for item in items:
        if {"live_portal", "moto_server"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.live)
