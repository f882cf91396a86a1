"""Running the portal on this machine: the local stage follows the ports chosen for `make run`, and
the local queue worker polls less often while there is nothing to do, and at once again after work."""

from __future__ import annotations

import os
import time

import pytest

from chalicelib.core import aws, config
from devtools import queueworker
from devtools.queueworker import FIRST_PAUSE, LONGEST_PAUSE, poll_forever
from devtools.stage import use_stage


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """os.environ as a copy, so what use_stage puts in stays in this test."""
    copy = {name: value for name, value in os.environ.items() if name not in ("BASE_URL", "PORTAL_PORT", "MOTO_PORT")}
    monkeypatch.setattr(os, "environ", copy)
    return copy


def test_manage_py_on_the_local_stage_links_to_the_portals_port(environment):
    environment.update(PORTAL_PORT="8123", MOTO_PORT="5123")
    use_stage("local")
    assert config.default_base_url() == "http://127.0.0.1:8123"
    assert environment["AWS_ENDPOINT_URL"] == "http://127.0.0.1:5123"


def test_without_ports_the_local_stage_uses_make_runs_own_and_a_set_base_url_wins(environment):
    use_stage("local")
    assert config.default_base_url() == "http://127.0.0.1:8000"
    environment.update(BASE_URL="https://portaal.example", PORTAL_PORT="8123")
    use_stage("local")
    assert config.default_base_url() == "https://portaal.example"


def test_an_idle_worker_pauses_longer_and_longer_and_polls_every_queue_each_round(moto, monkeypatch):
    sqs = aws.sqs()
    first, second = (sqs.create_queue(QueueName=f"werk-{n}")["QueueUrl"] for n in (1, 2))
    handled: list[tuple[str, str]] = []
    pauses: list[float] = []

    def handler(name: str) -> queueworker.Handler:
        return lambda event, context: handled.append((name, event["Records"][0]["body"]))

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 7:  # after a quiet spell, work comes for the second queue
            sqs.send_message(QueueUrl=second, MessageBody="klus")
        if len(pauses) == 9:
            raise KeyboardInterrupt  # Ctrl-C, the way out of `make run`

    monkeypatch.setattr(time, "sleep", sleep)  # nothing else in this test pauses
    poll_forever(sqs, [(first, handler("first")), (second, handler("second"))])

    assert pauses == [0.1, 0.2, 0.4, 0.8, 1.6, 2.0, 2.0, 0.1, 0.2]  # the round with work paused not at all
    assert (pauses[0], max(pauses)) == (FIRST_PAUSE, LONGEST_PAUSE)
    assert handled == [("second", "klus")]
