"""Scheduled jobs, invoked as EventBridge would (client.lambda_.invoke with a generated event)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.core import aws, config
from chalicelib.core.keys import event_pk
from chalicelib.events.store import event_store
from chalicelib.registrations import moves
from chalicelib.registrations import service as registration
from tests.support.aws import NOW, deliver_mail, sent_mail
from tests.support.factories import in_days, registration_form
from tests.support.jobs import scheduled
from tests.support.stored import present
from tests.support.web import FormSession


def register_many(slug: str, people: int) -> list:
    return [
        registration.register(slug, registration_form(remarks="Graag vegetarisch"), "nl").registration
        for _ in range(people)
    ]


# -- reminders ----------------------------------------------------------------


def test_reminders_go_to_confirmed_attendees_once(make_event, client, now):
    make_event(slug="overmorgen", date=(NOW + timedelta(days=2)).date(), capacity=2, registration_deadline=None)
    make_event(slug="later", date=(NOW + timedelta(days=10)).date(), registration_deadline=None)
    confirmed_one, confirmed_two, waiting = register_many("overmorgen", 3)
    register_many("later", 1)
    moves.cancel(confirmed_two.token)  # the waiting person moves up
    before = len(sent_mail())

    assert scheduled(client, "send_reminders") == {"jobs": 1}  # "later" is not due yet
    deliver_mail()
    reminded = [m.destinations["ToAddresses"][0] for m in sent_mail()[before:]]
    assert sorted(reminded) == sorted([confirmed_one.email, waiting.email])
    assert all(m.subject.startswith("Herinnering: ") for m in sent_mail()[before:])

    assert scheduled(client, "send_reminders") == {"jobs": 0}  # safe to run twice
    deliver_mail()
    assert len(sent_mail()) == before + 2
    now["value"] += timedelta(days=1)  # the next day's job leaves out who was reminded
    assert scheduled(client, "send_reminders") == {"jobs": 1}
    deliver_mail()
    assert len(sent_mail()) == before + 2


def test_no_reminders_for_a_cancelled_event(make_event, client):
    make_event(slug="overmorgen", date=(NOW + timedelta(days=2)).date(), registration_deadline=None)
    register_many("overmorgen", 1)
    make_event(slug="overmorgen", date=(NOW + timedelta(days=2)).date(), registration_deadline=None, status="cancelled")
    assert scheduled(client, "send_reminders") == {"jobs": 0}


# -- retention ----------------------------------------------------------------


@pytest.fixture
def old_event(make_event, now):
    """An event with one seat: one confirmed, one who left the waiting list, one still waiting."""
    make_event(slug="oud", date=(NOW + timedelta(days=5)).date(), capacity=1, registration_deadline=None)
    kept_seat, leaving, waiting = register_many("oud", 3)
    moves.cancel(leaving.token)
    return kept_seat, leaving, waiting


def personal_items(slug: str) -> list[dict]:
    return aws.dynamodb().query(
        TableName=config.table_name(),
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": event_pk(slug)}},
    )["Items"]


def test_personal_data_is_anonymised_after_the_retention_period_and_counts_stay(old_event, client, now):
    seat, _leaving, waiting = old_event
    counters = present(event_store().get_meta("oud"))
    now["value"] = NOW + timedelta(days=5 + config.retention_days() - 1)
    assert scheduled(client, "anonymise_registrations") == {"anonymised": 0}  # not yet

    now["value"] = NOW + timedelta(days=5 + config.retention_days() + 1)
    assert scheduled(client, "anonymise_registrations") == {"anonymised": 3}

    items = personal_items("oud")
    text = str(items)
    for reg in old_event:
        assert reg.email not in text
        assert reg.name not in text
    assert "Graag vegetarisch" not in text
    assert not any(i["SK"]["S"].startswith(("REG#", "WAIT#")) for i in items)
    kept = sorted(i["status"]["S"] for i in items if i["SK"]["S"].startswith("ANON#"))
    assert kept == ["cancelled", "confirmed", "waiting"]
    assert {i["organisation"]["S"] for i in items if i["SK"]["S"].startswith("ANON#")} == {"Gemeente Zwijndrecht"}
    after = present(event_store().get_meta("oud"))
    assert (after.confirmed, after.waiting) == (counters.confirmed, counters.waiting)
    # the personal links are gone too
    assert FormSession(client).get(f"/r/{seat.token}").status_code == 404
    assert FormSession(client).get(f"/r/{waiting.token}").status_code == 404


def test_retention_is_safe_to_run_twice(old_event, client, now):
    now["value"] = NOW + timedelta(days=5 + config.retention_days() + 1)
    scheduled(client, "anonymise_registrations")
    first = sorted(str(i) for i in personal_items("oud"))
    assert scheduled(client, "anonymise_registrations") == {"anonymised": 0}
    assert sorted(str(i) for i in personal_items("oud")) == first


def test_recent_events_keep_their_registrations(make_event, client, now):
    make_event(slug="recent", date=(NOW + timedelta(days=1)).date(), registration_deadline=None)
    [reg] = register_many("recent", 1)
    now["value"] = in_days(30)
    assert scheduled(client, "anonymise_registrations") == {"anonymised": 0}
    assert registration.find(reg.token)[0].email == reg.email
