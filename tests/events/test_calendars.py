"""Calendars: the public feed, an attendee's own file and a member's private feed (RFC 5545, 5546, 7986)."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar, Component
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models import table as moto_table
from moto.dynamodb.models.dynamo_type import DynamoType

from chalicelib.accounts.store import account_store
from chalicelib.audit.store import audit_store
from chalicelib.core import aws, clock, config
from chalicelib.core.keys import email_key, events_index
from chalicelib.events import service as events
from chalicelib.events.model import EventStatus
from chalicelib.registrations import moves
from chalicelib.registrations import service as registration
from tests.support.accounts import make_account, member_feed_path, sign_in
from tests.support.aws import REGION
from tests.support.events import BASE, event_form, version
from tests.support.factories import in_days, registration_form
from tests.support.stored import present
from tests.support.web import FormSession

SLUG = "netwerkbijeenkomst-test"
UID = f"{SLUG}@network-portal"


def calendar_of(response) -> Calendar:
    assert response.status_code == 200, response.body
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.body)
    # valid by a round trip: what the library reads back, it writes out the same
    assert Calendar.from_ical(calendar.to_ical()).to_ical() == calendar.to_ical()
    return calendar


def entries(calendar: Calendar) -> dict[str, Component]:
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


# -- the public feed -----------------------------------------------------------


def test_the_feed_holds_public_meetings_from_a_month_ago_on(make_event, organiser, visitor):
    make_event()
    make_event(slug="vorige-maand", date=in_days(-20).date(), registration_deadline=None)
    make_event(slug="lang-geleden", date=in_days(-40).date(), registration_deadline=None)
    organiser.post(BASE, event_form(title="Nog een concept"))
    response = visitor.get("/events.ics")
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert "Content-Disposition" not in response.headers  # a feed to subscribe to, not a download
    feed = calendar_of(response)
    assert feed["method"] == "PUBLISH"
    assert str(feed["x-wr-calname"]) == "Regionaal netwerk maatschappelijk ongenoegen"
    assert feed.decoded("refresh-interval") == timedelta(hours=1)
    assert set(entries(feed)) == {UID, "vorige-maand@network-portal"}  # no draft, nothing older than a month
    entry = entries(feed)[UID]
    assert (entry.decoded("dtstart").isoformat(), entry.decoded("dtend").isoformat()) == (
        "2027-03-18T13:15:00+01:00",
        "2027-03-18T17:00:00+01:00",
    )
    assert (entry["status"], entry["sequence"]) == ("CONFIRMED", 0)
    assert str(entry["organizer"]) == "mailto:netwerk@portal.example"
    assert str(entry["url"]) == f"http://127.0.0.1:8000/events/{SLUG}"
    assert "Raadzaal, Gemeentehuis Zwijndrecht" in str(entry["location"])
    # every page says where the feed is; the events list links to it
    assert '<link rel="alternate" type="text/calendar" href="/events.ics"' in visitor.get("/").body.decode()
    assert 'href="/events.ics"' in visitor.get("/events").body.decode()


def test_a_new_time_and_a_cancellation_reach_subscribers_with_a_higher_sequence(make_event, organiser, visitor):
    make_event()
    first = entries(calendar_of(visitor.get("/events.ics")))[UID]
    form = event_form(date="2027-03-18", start="14:00", registration_deadline="", version=version(SLUG))
    assert organiser.post(f"{BASE}/{SLUG}", form).status_code == 303
    moved = entries(calendar_of(visitor.get("/events.ics")))[UID]
    assert moved.decoded("sequence") > first.decoded("sequence")
    assert moved.decoded("dtstart").isoformat() == "2027-03-18T14:00:00+01:00"
    assert organiser.post(f"{BASE}/{SLUG}/status/annuleren", {"version": version(SLUG)}).status_code == 303
    cancelled = entries(calendar_of(visitor.get("/events.ics")))[UID]
    assert cancelled["status"] == "CANCELLED"
    assert cancelled.decoded("sequence") > moved.decoded("sequence")
    # the event page's own file says the same
    single = entries(calendar_of(visitor.get(f"/events/{SLUG}.ics")))[UID]
    assert (single["status"], single["sequence"]) == ("CANCELLED", cancelled["sequence"])


def test_the_feed_is_two_queries_whatever_it_holds(make_event, visitor, aws_calls):
    for day in range(3):
        make_event(slug=f"bijeenkomst-{day}", date=in_days(10 + day).date(), registration_deadline=None)
    aws_calls.reset()
    assert len(entries(calendar_of(visitor.get("/events.ics")))) == 3
    assert dict(aws_calls.calls) == {"dynamodb.Query": 2}  # published and cancelled, from a month ago


def test_the_feed_reaches_from_a_month_ago_to_a_year_ahead(make_event, visitor):
    for slug, days in {"te-oud": -32, "maand-terug": -31, "jaar-vooruit": 365, "te-ver": 366}.items():
        make_event(slug=slug, date=in_days(days).date(), registration_deadline=None)
    assert set(entries(calendar_of(visitor.get("/events.ics")))) == {
        "maand-terug@network-portal",
        "jaar-vooruit@network-portal",
    }


def test_the_feed_holds_the_nearest_meetings_up_to_its_limit_in_two_queries(
    make_event, visitor, aws_calls, monkeypatch
):
    monkeypatch.setattr(events, "FEED_LIMIT", 3)
    for day in (5, 1, 4, 2):
        make_event(slug=f"dag-{day}", date=in_days(day).date(), registration_deadline=None)
    make_event(slug="dag-3", date=in_days(3).date(), registration_deadline=None, status=EventStatus.CANCELLED)
    aws_calls.reset()
    feed = entries(calendar_of(visitor.get("/events.ics")))
    assert dict(aws_calls.calls) == {"dynamodb.Query": 2}  # one page of each partition
    assert set(feed) == {f"dag-{day}@network-portal" for day in (1, 2, 3)}
    assert feed["dag-3@network-portal"]["status"] == "CANCELLED"


def test_a_page_cut_short_by_its_size_ends_the_feed_at_its_last_meeting(make_event, visitor, monkeypatch):
    """DynamoDB ends a page at 1 MB (moto too): the feed then stops at that page's last meeting rather
    than skip to a cancelled meeting after it."""
    for day in (1, 2, 3, 4):
        make_event(slug=f"dag-{day}", date=in_days(day).date(), registration_deadline=None)
    make_event(slug="dag-5", date=in_days(5).date(), registration_deadline=None, status=EventStatus.CANCELLED)
    # a page of two and a half of these (equal-sized) items: the published partition's page holds two
    monkeypatch.setattr(moto_table, "RESULT_SIZE_LIMIT", int(2.5 * largest_item(partition=events_index("published"))))
    page = aws.dynamodb().query(
        TableName=config.table_name(),
        IndexName="GSI1",
        KeyConditionExpression="GSI1PK = :pk",
        ExpressionAttributeValues={":pk": {"S": events_index("published")}},
    )
    assert (len(page["Items"]), "LastEvaluatedKey" in page) == (2, True)  # the page did stop short
    assert set(entries(calendar_of(visitor.get("/events.ics")))) == {"dag-1@network-portal", "dag-2@network-portal"}


def largest_item(partition: str) -> int:
    """The size moto counts against its 1 MB for the largest event of a GSI1 partition."""
    table = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].get_table(config.table_name())
    key = DynamoType({"S": partition})
    return max(item.size() for item in table.all_items() if "GSI1PK" in item.attrs and item.attrs["GSI1PK"] == key)


# -- an attendee's own file ----------------------------------------------------


def test_the_personal_file_follows_the_registration(make_event, visitor):
    make_event(capacity=1)
    seat = registration.register(SLUG, registration_form(), "nl").registration
    waiting = registration.register(SLUG, registration_form(), "nl").registration
    response = visitor.get(f"/r/{seat.token}.ics")
    assert response.headers["Content-Disposition"] == 'attachment; filename="aanmelding.ics"'
    own = calendar_of(response)
    assert own["method"] == "PUBLISH"
    assert (entries(own)[UID]["status"], entries(own)[UID]["sequence"]) == ("CONFIRMED", 0)
    assert "attendee" not in entries(own)[UID]  # a published file names nobody
    assert entries(calendar_of(visitor.get(f"/r/{waiting.token}.ics")))[UID]["status"] == "TENTATIVE"
    assert f'href="/r/{seat.token}.ics"' in visitor.get(f"/r/{seat.token}").body.decode()
    # cancelled: METHOD:CANCEL takes it out of the calendar that imported it, outranking the copy held
    moves.cancel(seat.token)
    gone = calendar_of(visitor.get(f"/r/{seat.token}.ics"))
    assert gone["method"] == "CANCEL"
    assert (entries(gone)[UID]["status"], entries(gone)[UID]["sequence"]) == ("CANCELLED", 1)
    assert str(entries(gone)[UID]["attendee"]) == f"mailto:{seat.email}"  # RFC 5546: a CANCEL names them
    assert "Haal de bijeenkomst uit uw agenda (.ics)" in visitor.get(f"/r/{seat.token}").body.decode()
    # the one who waited has the seat now
    assert entries(calendar_of(visitor.get(f"/r/{waiting.token}.ics")))[UID]["status"] == "CONFIRMED"
    assert visitor.get("/r/bestaat-niet.ics").status_code == 404


def test_the_personal_file_is_named_in_the_language_of_the_page(make_event, client):
    make_event()
    seat = registration.register(SLUG, registration_form(), "nl").registration
    names = {
        lang: FormSession(client, language=lang).get(f"/r/{seat.token}.ics").headers["Content-Disposition"]
        for lang in ("nl", "en")
    }
    assert names == {
        "nl": 'attachment; filename="aanmelding.ics"',
        "en": 'attachment; filename="registration.ics"',
    }


def test_a_cancelled_meeting_is_cancelled_in_the_personal_file(make_event, organiser, visitor):
    make_event()
    seat = registration.register(SLUG, registration_form(), "nl").registration
    organiser.post(f"{BASE}/{SLUG}/status/annuleren", {"version": version(SLUG)})
    gone = calendar_of(visitor.get(f"/r/{seat.token}.ics"))
    assert gone["method"] == "CANCEL"
    assert (entries(gone)[UID]["status"], entries(gone)[UID]["sequence"]) == ("CANCELLED", 1)


# -- a member's private feed -----------------------------------------------------


def test_a_member_subscribes_to_the_meetings_they_registered_for(make_event, client, aws_calls):
    make_event(capacity=1)
    make_event(slug="tweede", title="Tweede bijeenkomst", date=in_days(30).date(), registration_deadline=None)
    make_event(slug="zonder-mij", date=in_days(40).date(), registration_deadline=None)
    registration.register(SLUG, registration_form(email="iemand@zwijndrecht.nl"), "nl")
    email = "lid@zwijndrecht.nl"
    make_account(email)
    registration.register(SLUG, registration_form(email=email), "nl")  # the waiting list: the seat is taken
    registration.register("tweede", registration_form(email=email), "nl")
    member = sign_in(FormSession(client), email)
    path = member_feed_path(member)
    anonymous = FormSession(client)  # a calendar app has no cookie
    aws_calls.reset()
    response = anonymous.get(path)
    assert dict(aws_calls.calls) == {"dynamodb.GetItem": 1, "dynamodb.Query": 1, "dynamodb.BatchGetItem": 1}
    assert response.headers["Cache-Control"] == "no-store"
    feed = calendar_of(response)
    assert str(feed["x-wr-calname"]) == "Mijn bijeenkomsten: regionaal netwerk"
    statuses = {uid: str(e["status"]) for uid, e in entries(feed).items()}
    assert statuses == {UID: "TENTATIVE", "tweede@network-portal": "CONFIRMED"}
    # a cancelled registration stays in the feed as cancelled, so the calendar lets go of it
    [second] = [r for r in registration.of_person(email) if r.event_slug == "tweede"]
    moves.cancel(second.token)
    assert entries(calendar_of(anonymous.get(path)))["tweede@network-portal"]["status"] == "CANCELLED"


def test_a_new_feed_link_ends_the_old_one(moto, client):
    make_account("lid@zwijndrecht.nl")
    member = sign_in(FormSession(client), "lid@zwijndrecht.nl")
    old = member_feed_path(member)
    response = member.post("/account/agenda", {})
    assert response.status_code == 303
    assert response.headers["Location"] == "/account?agenda=nieuw#agenda"
    assert "Uw agenda-link is vernieuwd" in member.get("/account?agenda=nieuw").body.decode()
    new = member_feed_path(member)
    assert new != old
    assert client.http.get(old).status_code == 404
    assert client.http.get(new).status_code == 200
    assert "account.calendar_reset" in [e.action for e in audit_store().month(clock.now().strftime("%Y-%m"), 50).items]
    # without the form's CSRF token nothing changes
    assert member.post("/account/agenda", {}, with_token=False).status_code == 403
    assert client.http.get(new).status_code == 200


def test_a_feed_stops_with_its_account_and_cannot_be_forged(moto, client, organiser):
    make_account("lid@zwijndrecht.nl")
    path = member_feed_path(sign_in(FormSession(client), "lid@zwijndrecht.nl"))
    token = path.removeprefix("/agenda/").removesuffix(".ics")
    for forged in (token[:-2] + "xx", "eyJhIjoxfQ.abc", ""):
        assert client.http.get(f"/agenda/{forged}.ics").status_code == 404
    assert client.http.get(f"/agenda/{token}").status_code == 404  # only the .ics name
    key = email_key("lid@zwijndrecht.nl")
    assert organiser.post(f"/beheer/accounts/{key}/disabled", {}).status_code == 303
    assert present(account_store().get("lid@zwijndrecht.nl")).status == "disabled"
    assert client.http.get(path).status_code == 404


def test_a_deleted_and_remade_account_does_not_bring_an_old_link_back(moto, client):
    make_account("lid@zwijndrecht.nl")
    member = sign_in(FormSession(client), "lid@zwijndrecht.nl")
    old = member_feed_path(member)
    assert member.post("/account/verwijderen", {"confirm": "yes"}).status_code == 303
    make_account("lid@zwijndrecht.nl")  # the same address, a new account: its calendar number starts again
    assert client.http.get(old).status_code == 404
    assert client.http.get(member_feed_path(sign_in(FormSession(client), "lid@zwijndrecht.nl"))).status_code == 200
