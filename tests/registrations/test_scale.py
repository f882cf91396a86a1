"""Every organisers' list reads one page, whatever the size of the event; the overview's figures
are kept by the transactions that change registrations and equal a count done the slow way."""

from __future__ import annotations

import contextlib
import re
from collections import Counter

import pytest

from chalicelib.audit.store import AuditChange
from chalicelib.core import clock
from chalicelib.core.keys import event_pk
from chalicelib.events.store import event_store
from chalicelib.registrations import attendance, moves, retention
from chalicelib.registrations import service as registration
from chalicelib.registrations.seats import seat_store
from chalicelib.registrations.store import registration_store
from tests.support.accounts import make_account, on_the_day, sign_in
from tests.support.factories import MEETING_DAY, confirmed_attendees, registration_form
from tests.support.stored import present
from tests.support.web import FormSession

SLUG = "netwerkbijeenkomst-test"
BASE = f"/beheer/bijeenkomsten/{SLUG}"
PAGE = 50


@pytest.fixture
def organiser(client, make_event) -> FormSession:
    make_event(capacity=6000)
    make_account("org@zwijndrecht.nl", access="organiser")
    return sign_in(FormSession(client), "org@zwijndrecht.nl")


def names_on(html: str) -> list[str]:
    """The people listed (a row's first cell, or a name at the door), once each."""
    return re.findall(r'(?:<td[^>]*>|"checkin-name">)(Deelnemer \d+)', html)


def next_link(html: str) -> str:
    found = re.search(r'<a rel="next" href="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else ""


@pytest.mark.parametrize("people", [10, pytest.param(5000, marks=pytest.mark.slow)])
def test_the_registrations_list_reads_one_page_at_any_size(organiser, aws_calls, people):
    confirmed_attendees(people)
    aws_calls.reset()

    first = organiser.get(f"{BASE}/aanmeldingen").body.decode()

    # the session, the event and one page of registrations: the same at 10 and at 5,000
    assert dict(aws_calls.calls) == {"dynamodb.BatchGetItem": 1, "dynamodb.Query": 2}
    assert len(names_on(first)) == min(people, PAGE)
    assert aws_calls.items_read <= 2 + 1 + 3 + PAGE + 1  # account and session, event + programme, the page and one more
    if people <= PAGE:
        assert next_link(first) == ""
        return
    second = organiser.get(next_link(first)).body.decode()
    assert len(names_on(second)) == PAGE
    assert not set(names_on(first)) & set(names_on(second))
    # and the pages, one after another, hold everyone once
    seen: Counter[str] = Counter()
    cursor = None
    while True:
        page = registration_store().listed(SLUG, "confirmed", "", 500, cursor)  # big pages: moto reads slowly
        seen.update(r.email for r in page.items)
        assert len(page.items) <= 500
        if page.cursor is None:
            break
        cursor = page.cursor
    assert len(seen) == people
    assert set(seen.values()) == {1}


@pytest.mark.slow  # thousands of items
def test_check_in_finds_a_name_among_5000_reading_one_page(organiser, aws_calls, now):
    confirmed_attendees(5000)
    on_the_day(now, organiser)  # check-in opens on the day
    aws_calls.reset()

    html = organiser.get(f"{BASE}/inchecken?q=deelnemer+4999").body.decode()

    assert names_on(html) == ["Deelnemer 4999"]
    assert "0 van de 5000 bevestigde deelnemers zijn aanwezig." in html
    # session; event, figures, one page of each standing at the door (confirmed, checked in) by name and by surname
    assert dict(aws_calls.calls) == {"dynamodb.BatchGetItem": 1, "dynamodb.Query": 6}
    assert aws_calls.items_read < 40


@pytest.mark.parametrize("search", ["berg", "Van den Berg", "dave", "Dave van", "BERG"])
def test_check_in_finds_a_person_by_first_name_or_surname(organiser, visitor, search, now):
    confirmed_attendees(120)
    for name in ("Dave van den Berg", "Bergita Jansen", "Leonora Buis-Meulmeester"):
        visitor.post(f"/events/{SLUG}/aanmelden", registration_form(name=name, email=f"{name.split()[0]}@rotterdam.nl"))
    on_the_day(now, organiser)  # check-in opens on the day

    html = organiser.get(f"{BASE}/inchecken?q={search.replace(' ', '+')}").body.decode()

    found = re.findall(r'"checkin-name">([^<]+)<', html)
    expected = {"berg": ["Bergita Jansen", "Dave van den Berg"], "van den berg": ["Dave van den Berg"]}
    assert found == expected.get(search.lower(), ["Dave van den Berg"])


def test_a_surname_search_in_the_list_reads_one_page_per_bucket(organiser, visitor, aws_calls):
    confirmed_attendees(300)
    visitor.post(f"/events/{SLUG}/aanmelden", registration_form(name="Marjolein de Vries", email="m@rotterdam.nl"))
    aws_calls.reset()

    html = organiser.get(f"{BASE}/aanmeldingen?q=vries").body.decode()

    assert "Marjolein de Vries" in html
    # session; event; four standings by name and four by surname
    assert dict(aws_calls.calls) == {"dynamodb.BatchGetItem": 1, "dynamodb.Query": 9}


def test_a_cursor_from_another_list_or_a_forged_one_is_refused(organiser):
    confirmed_attendees(60)
    cursor = next_link(organiser.get(f"{BASE}/aanmeldingen?status=confirmed").body.decode()).split("na=")[1]
    assert organiser.get(f"{BASE}/aanmeldingen?status=waiting&na={cursor}").status_code == 400
    assert organiser.get(f"{BASE}/aanmeldingen?na=eyJrZXkiOnt9fQ.forged").status_code == 400
    assert organiser.get(f"/beheer/accounts?na={cursor}").status_code == 400


def test_the_overview_reads_its_figures_not_the_registrations(organiser, aws_calls):
    confirmed_attendees(500)
    aws_calls.reset()
    html = organiser.get(f"{BASE}/overzicht").body.decode()
    assert dict(aws_calls.calls) == {"dynamodb.BatchGetItem": 1, "dynamodb.Query": 2}  # session; event, figures
    assert "Gemeente" in html
    assert aws_calls.items_read < 25


def test_the_figures_follow_every_change_and_equal_a_slow_count(make_event, now):
    """GIVEN an event with 3 seats, WHEN people register, wait, cancel, get promoted, are checked
    in and out, register again after cancelling and are anonymised, THEN the kept figures equal a
    count of every registration after each step."""
    # free text roles; registering stays open until the meeting begins, and check-in opens that morning
    make_event(capacity=3, roles=(), registration_deadline=None)
    organiser = make_account("org@zwijndrecht.nl", access="organiser")

    def check() -> None:
        kept = Counter({k: v for k, v in event_store().figures(SLUG).items() if v})
        assert kept == +attendance.count_slowly(SLUG)

    people = [
        registration.register(
            SLUG, registration_form(email=f"p{i}@rotterdam.nl", name=f"P {i}", organisation=f"Org {i % 2}"), "nl"
        ).registration
        for i in range(5)
    ]  # three confirmed, two waiting
    check()
    now["value"] = MEETING_DAY
    moves.by_organiser(organiser, SLUG, people[0].key, "aanwezig")
    check()
    moves.cancel(people[0].token)  # a checked-in seat goes to the first in line
    check()
    moves.by_organiser(organiser, SLUG, people[3].key, "aanwezig")
    moves.by_organiser(organiser, SLUG, people[3].key, "afwezig")
    check()
    moves.cancel(people[4].token)  # leaves the waiting list
    check()
    moves.by_organiser(organiser, SLUG, people[1].key, "annuleren")
    check()
    registration.register(SLUG, registration_form(email="p1@rotterdam.nl", name="P 1", role="Anders"), "nl")
    check()  # registered again: the cancelled one's figures went
    now["value"] = clock.now().replace(year=2027, month=7)
    retention.anonymise_old_registrations()
    check()  # anonymised: the figures stay
    assert event_store().figures(SLUG)["status#attended"] == 0


def _stale_check_in(slug: str) -> None:
    """Two organisers check the same person in from the same page: the second writes from a stale read."""
    from chalicelib.registrations.seats import StaleRegistration

    reg = registration.register(slug, registration_form(email="dubbel@rotterdam.nl"), "nl").registration
    read_by_both = present(registration_store().get(slug, reg.sk))
    seat_store().set_attended(read_by_both, clock.now().isoformat(), None)
    with contextlib.suppress(StaleRegistration):  # refused, as it should be; the negative control lets it through
        seat_store().set_attended(read_by_both, clock.now().isoformat(), None)


def test_a_check_in_from_a_stale_read_is_refused_and_counted_once(make_event):
    make_event()
    _stale_check_in(SLUG)
    assert event_store().figures(SLUG)["status#attended"] == 1
    assert Counter({k: v for k, v in event_store().figures(SLUG).items() if v}) == +attendance.count_slowly(SLUG)


def test_negative_control_without_the_list_key_condition_the_figures_drift(make_event, monkeypatch):
    from chalicelib.registrations.seats import SeatStore

    make_event()
    transact = SeatStore._transact

    def unguarded(self: SeatStore, items: list, audit: AuditChange | None) -> None:
        for item in items:
            update = item.get("Update", {})
            if "GSI1SK = :was_listed" in update.get("ConditionExpression", ""):
                update["ConditionExpression"] = update["ConditionExpression"].replace(" AND GSI1SK = :was_listed", "")
                update["ExpressionAttributeValues"].pop(":was_listed")
        transact(self, items, audit)

    monkeypatch.setattr(SeatStore, "_transact", unguarded)
    _stale_check_in(SLUG)
    assert event_store().figures(SLUG)["status#attended"] == 2  # the check above would have failed


def test_thousands_of_different_organisations_fit_the_figures(make_event):
    """Organisations are free text: their figures are spread over 16 items, each far below 400 KB."""
    make_event()
    many = Counter({f"org#{n:05d} " + "Gemeente met een heel lange naam " * 4: 1 for n in range(3000)})
    registration_store().put_figures(SLUG, many)  # 3,000 × ~150 bytes: too much for one item
    registration.register(SLUG, registration_form(organisation="Nog een organisatie"), "nl")
    figures = event_store().figures(SLUG)
    assert sum(1 for name in figures if name.startswith("org#")) == 3001


def test_negative_control_one_item_cannot_hold_them(moto):
    from botocore.exceptions import ClientError

    from chalicelib.core import aws, config
    from chalicelib.core.dynamo import to_attrs

    item: dict[str, object] = {"PK": event_pk(SLUG), "SK": "STATS"}
    item.update({f"org#{n:05d} " + "Gemeente met een heel lange naam " * 4: 1 for n in range(3000)})
    with pytest.raises(ClientError, match="size"):
        aws.dynamodb().put_item(TableName=config.table_name(), Item=to_attrs(item))
