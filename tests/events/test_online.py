"""Online and hybrid meetings: separate seats and waiting lists, and a meeting link that only a
confirmed online seat ever sees."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from icalendar import Calendar

from chalicelib.core.errors import InvalidInput
from chalicelib.events.model import AttendanceMode
from chalicelib.events.store import event_store
from chalicelib.registrations import moves
from chalicelib.registrations import service as registration
from chalicelib.registrations.store import registration_store
from tests.support.accounts import mailed_token, make_account, register_by_form, sign_in
from tests.support.aws import NOW, REGISTERING_CALLS, deliver_mail, sent_mail
from tests.support.events import BASE, event_form, version
from tests.support.factories import MEETING_DAY, registration_form
from tests.support.jobs import scheduled
from tests.support.stored import present
from tests.support.web import FormSession

SLUG = "netwerkbijeenkomst-test"
LINK = "https://meet.jit.si/netwerkbijeenkomst-test-geheim"


def register(attendance: str = "", **overrides: str):
    form = registration_form(**overrides)
    if attendance:
        form["attendance"] = attendance
    return registration.register(SLUG, form, "nl").registration


def text_part(mail) -> str:
    """The plain-text part of a sent mail."""
    import email

    message = email.message_from_string(mail.raw)
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return bytes(part.get_payload(decode=True)).decode().replace("\r\n", "\n")


# -- organisers set it up ---------------------------------------------------------


def test_an_organiser_makes_a_meeting_hybrid_and_a_bad_link_keeps_the_input(organiser):
    form = event_form(online_capacity="25", online_link="teams.microsoft.com/l/meetup-join/123")
    response = organiser.post(BASE, form)
    page = response.body.decode()
    assert response.status_code == 422
    assert "Vul een volledige link in die begint met https://." in page
    assert 'value="teams.microsoft.com/l/meetup-join/123"' in page  # kept, to correct
    assert 'value="25"' in page

    assert organiser.post(BASE, {**form, "online_link": LINK}).status_code == 303
    event = present(event_store().get("netwerkbijeenkomst-dordrecht"))
    assert (event.capacity, event.online_capacity, event.online_link) == (40, 25, LINK)
    assert event.modes == (AttendanceMode.ON_SITE, AttendanceMode.ONLINE)
    assert LINK in organiser.get(f"{BASE}/netwerkbijeenkomst-dordrecht").body.decode()  # organisers see it


def test_an_empty_online_capacity_means_no_online_seats(organiser):
    assert organiser.post(BASE, event_form(online_capacity="")).status_code == 303
    assert present(event_store().get("netwerkbijeenkomst-dordrecht")).modes == (AttendanceMode.ON_SITE,)


def test_online_capacity_cannot_drop_below_the_online_seats_taken(make_event, organiser):
    make_event(online_capacity=3, online_link=LINK)
    register("online")
    register("online")
    form = event_form(capacity="3", online_capacity="1", online_link=LINK, version=version(SLUG))
    response = organiser.post(f"{BASE}/{SLUG}", form)
    assert response.status_code == 422
    assert 'id="fout-online_capacity"' in response.body.decode()
    assert "Bevestigde plaatsen nu: 2." in response.body.decode()
    assert present(event_store().get(SLUG)).online_capacity == 3


# -- registering ----------------------------------------------------------------


def test_a_hybrid_form_asks_how_and_keeps_the_other_input(make_event, visitor):
    make_event(online_capacity=2, online_link=LINK)
    page = visitor.get(f"/events/{SLUG}").body.decode()
    assert 'name="attendance" value="location"' in page
    assert 'name="attendance" value="online"' in page
    assert "Op locatie: nog 3 plaatsen vrij" in page
    assert "Online: nog 2 plaatsen vrij" in page

    response = visitor.post(f"/events/{SLUG}/aanmelden", registration_form(name="Fatima el Amrani"))
    page = response.body.decode()
    assert response.status_code == 422
    assert '<a href="#veld-attendance">Hoe neemt u deel?: Kies of u op locatie of online deelneemt.</a>' in page
    assert 'value="Fatima el Amrani"' in page

    response = visitor.post(f"/events/{SLUG}/aanmelden", registration_form(attendance="elders"))
    assert "Kies een van de genoemde mogelijkheden." in response.body.decode()


def test_each_way_has_its_own_seats_and_waiting_list(make_event, visitor):
    make_event(capacity=1, online_capacity=1, online_link=LINK)
    assert register("online").status == "confirmed"
    assert register("location").status == "confirmed"
    waiting_online = register("online")
    waiting_on_site = register("location")
    assert (waiting_online.status, waiting_on_site.status) == ("waiting", "waiting")
    assert waiting_online.wait_key.startswith("WAITONLINE#")
    assert waiting_on_site.wait_key.startswith("WAIT#2")
    event = present(event_store().get(SLUG))
    assert (event.confirmed, event.waiting, event.confirmed_online, event.waiting_online) == (1, 1, 1, 1)
    # each is first in its own line
    assert registration.find(waiting_online.token)[2] == 1
    assert registration.find(waiting_on_site.token)[2] == 1


def test_a_cancellation_mail_does_not_say_how_the_person_takes_part(make_event):
    """Found in a trial: the cancellation still said "U neemt deel op locatie."."""
    make_event(capacity=3, online_capacity=3, online_link=LINK)
    reg = register("location")
    assert "U neemt deel op locatie." in sent_mail()[-1].body  # the confirmation says it
    moves.cancel(reg.token)
    cancelled = sent_mail()[-1]
    assert "geannuleerd" in cancelled.subject
    assert "U neemt deel" not in cancelled.body
    assert "U neemt deel" not in text_part(cancelled)


def test_a_freed_online_seat_goes_to_the_online_waiting_list(make_event):
    make_event(capacity=1, online_capacity=1, online_link=LINK)
    online = register("online")
    register("location")
    waiting_on_site = register("location")
    waiting_online = register("online")

    moves.cancel(online.token)

    assert present(registration_store().get(SLUG, waiting_online.sk)).status == "confirmed"
    assert present(registration_store().get(SLUG, waiting_on_site.sk)).status == "waiting"
    event = present(event_store().get(SLUG))
    assert (event.confirmed, event.waiting, event.confirmed_online, event.waiting_online) == (1, 1, 1, 0)
    promoted = sent_mail()[-2]
    assert promoted.subject.startswith("Er is een plaats vrij")
    assert LINK in promoted.body  # their seat is online: the mail carries the link


def test_a_meeting_with_one_seat_left_online_is_open_and_a_full_one_shows_full(make_event, visitor):
    make_event(capacity=1, online_capacity=1, online_link=LINK)
    register("location")
    page = visitor.get(f"/events/{SLUG}").body.decode()
    assert "Op locatie: vol, u kunt op de wachtlijst" in page
    assert "Online (vol: u komt op de wachtlijst)" not in page
    assert "Op locatie (vol: u komt op de wachtlijst)" in page
    register("online")
    page = visitor.get(f"/events/{SLUG}").body.decode()
    assert "Aanmelden voor de wachtlijst" in page


def test_an_online_only_meeting_asks_nothing_and_gives_online_seats(make_event, visitor):
    make_event(capacity=0, online_capacity=2, online_link=LINK, venue="Online (Jitsi)")
    page = visitor.get(f"/events/{SLUG}").body.decode()
    assert 'name="attendance"' not in page
    assert "Er zijn nog 2 plaatsen vrij." in page
    reg = register()
    assert (reg.status, reg.attendance) == ("confirmed", AttendanceMode.ONLINE)
    with pytest.raises(InvalidInput) as refused:
        register("location")
    assert refused.value.fields["attendance"].msgid == "Kies een van de genoemde mogelijkheden."


def test_the_api_offers_the_ways_and_takes_the_choice(make_event, client):
    make_event(capacity=1, online_capacity=2, online_link=LINK)
    body = json.loads(client.http.get(f"/api/v1/events/{SLUG}").body)
    assert body["attendance"] == [
        {"mode": "location", "places_left": 1, "waiting": 0},
        {"mode": "online", "places_left": 2, "waiting": 0},
    ]
    assert (body["online_capacity"], "online_link" in body) == (2, False)
    form = registration_form()
    post = {**form, "consent": True}
    response = client.http.post(
        f"/api/v1/events/{SLUG}/registrations",
        body=json.dumps(post),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422
    assert json.loads(response.body)["errors"]["attendance"]
    response = client.http.post(
        f"/api/v1/events/{SLUG}/registrations",
        body=json.dumps({**post, "attendance": "online"}),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 202
    assert json.loads(response.body)["attendance"] == "online"
    token = mailed_token(form["email"])
    assert json.loads(client.http.get(f"/api/v1/registrations/{token}").body)["attendance"] == "online"
    assert LINK not in client.http.get(f"/api/v1/registrations/{token}").body.decode()


def test_an_online_registration_costs_what_any_registration_costs(make_event, visitor, aws_calls):
    make_event(online_capacity=2, online_link=LINK)
    aws_calls.reset()
    visitor.post(f"/events/{SLUG}/aanmelden", registration_form(attendance="online"))
    assert dict(aws_calls.calls) == REGISTERING_CALLS
    aws_calls.reset()
    visitor.get(f"/events/{SLUG}")
    assert dict(aws_calls.calls) == {"dynamodb.Query": 1}


# -- the link: only for a confirmed online seat -----------------------------------------


def test_the_link_never_reaches_the_public_or_the_waiting_list(make_event, visitor, client):
    make_event(capacity=1, online_capacity=1, online_link=LINK)
    confirmed = register_by_form(visitor, SLUG, attendance="online")
    waiting = register_by_form(visitor, SLUG, attendance="online")
    on_site = register_by_form(visitor, SLUG, attendance="location")
    for public in (f"/events/{SLUG}", f"/events/{SLUG}.ics", "/events.ics", "/events", f"/api/v1/events/{SLUG}"):
        response = visitor.get(public)
        assert response.status_code == 200, public
        assert "Netwerkbijeenkomst Maatschappelijk ongenoegen" in response.body.decode(), public
        assert LINK not in response.body.decode(), public
    assert LINK not in json.dumps(client.http.get("/api/v1/events").body.decode())
    for token in (waiting, on_site):
        page, own_file = visitor.get(f"/r/{token}"), visitor.get(f"/r/{token}.ics")
        assert (page.status_code, own_file.status_code) == (200, 200)
        assert "Uw aanmelding" in page.body.decode()
        assert LINK not in page.body.decode()
        assert LINK not in own_file.body.decode()
    with_link = [m for m in sent_mail() if LINK in text_part(m) or LINK in m.body]
    assert len(with_link) == 1  # the confirmation of the confirmed online seat only
    # the plain-text part gives the link a line of its own, so that mail programs link all of it
    assert f"\nLink naar de online bijeenkomst: {LINK}\n" in text_part(with_link[0])
    assert "QR-code" not in with_link[0].body  # no door to scan it at
    on_site_mail = next(m for m in sent_mail() if "U neemt deel op locatie." in text_part(m))
    assert "Raadhuisplein 1, Zwijndrecht\nU neemt deel op locatie.\n\nUw aanmelding bekijken" in text_part(on_site_mail)
    assert "QR-code" in on_site_mail.body
    assert "De online plaatsen zijn vol." in sent_mail()[1].body  # the waiting list hears which way is full

    own = visitor.get(f"/r/{confirmed}").body.decode()
    assert f'<a href="{LINK}" rel="noreferrer">{LINK}</a>' in own
    assert "<dd>Online</dd>" in own
    entry = Calendar.from_ical(visitor.get(f"/r/{confirmed}.ics").body).walk("VEVENT")[0]
    assert (str(entry["location"]), str(entry["conference"])) == (LINK, LINK)
    assert entry["conference"].params["FEATURE"] == ["AUDIO", "VIDEO"]


def test_a_link_entered_later_shows_on_the_page_and_in_the_reminder(make_event, client, visitor):
    make_event(date=(NOW + timedelta(days=2)).date(), registration_deadline=None, online_capacity=2, online_link="")
    token = register_by_form(visitor, SLUG, attendance="online")
    assert "De organisatie heeft de link nog niet ingevuld." in visitor.get(f"/r/{token}").body.decode()
    assert "komt op uw persoonlijke pagina zodra de organisatie hem heeft ingevuld" in sent_mail()[-1].body

    make_event(date=(NOW + timedelta(days=2)).date(), registration_deadline=None, online_capacity=2, online_link=LINK)
    assert LINK in visitor.get(f"/r/{token}").body.decode()
    assert scheduled(client, "send_reminders") == {"jobs": 1}
    deliver_mail()
    reminder = sent_mail()[-1]
    assert reminder.subject.startswith("Herinnering: ")
    assert LINK in reminder.body
    assert "U neemt online deel." in reminder.body


def test_a_cancelled_meeting_shows_no_link(make_event, visitor):
    make_event(online_capacity=2, online_link=LINK)
    token = register_by_form(visitor, SLUG, attendance="online")
    assert LINK in visitor.get(f"/r/{token}").body.decode()
    make_event(online_capacity=2, online_link=LINK, status="cancelled")
    page, own_file = visitor.get(f"/r/{token}"), visitor.get(f"/r/{token}.ics")
    assert (page.status_code, own_file.status_code) == (200, 200)
    assert "Haal de bijeenkomst uit uw agenda" in page.body.decode()
    assert LINK not in page.body.decode()
    assert LINK not in own_file.body.decode()


def test_a_members_private_feed_carries_the_link_of_their_online_seat(make_event, client):
    from tests.support.accounts import member_feed_path

    make_event(online_capacity=2, online_link=LINK)
    make_event(slug="op-locatie", online_capacity=2, online_link=LINK)
    make_account("fatima@zwijndrecht.nl")
    registration.register(SLUG, registration_form(email="fatima@zwijndrecht.nl", attendance="online"), "nl")
    registration.register("op-locatie", registration_form(email="fatima@zwijndrecht.nl", attendance="location"), "nl")
    member = sign_in(FormSession(client), "fatima@zwijndrecht.nl")
    feed = Calendar.from_ical(member.get(member_feed_path(member)).body)
    entries = {str(e["uid"]): e for e in feed.walk("VEVENT")}
    assert str(entries[f"{SLUG}@network-portal"]["conference"]) == LINK
    assert "conference" not in entries["op-locatie@network-portal"]
    assert LINK not in str(entries["op-locatie@network-portal"]["location"])


def test_organisers_messages_carry_the_link_to_online_seats_only(make_event, organiser):
    make_event(online_capacity=2, online_link=LINK)
    online, on_site = register("online"), register("location")
    before = len(sent_mail())
    organiser.post(f"{BASE}/{SLUG}/bericht", {"subject": "Programma", "body": "Tot donderdag."})
    deliver_mail()
    mails = {m.destinations["ToAddresses"][0]: m for m in sent_mail()[before:]}
    assert LINK in mails[online.email].body
    assert LINK in text_part(mails[online.email])
    assert LINK not in mails[on_site.email].body


def test_the_evaluation_goes_to_who_was_checked_in_and_to_online_seats(make_event, now):
    from chalicelib.accounts.model import Account
    from chalicelib.core import clock
    from chalicelib.evaluations import service as evaluations

    make_event(online_capacity=2, online_link=LINK)
    checked_in, absent, online = register("location"), register("location"), register("online")
    organiser = Account(email="org@zwijndrecht.nl", name="Org", organisation="", job="", created_at=clock.now())
    now["value"] = MEETING_DAY  # check-in opens on the day
    moves.by_organiser(organiser, SLUG, checked_in.key, "aanwezig")
    event = present(event_store().get(SLUG))
    event.date, event.registration_deadline = (clock.now() - timedelta(days=1)).date(), None
    make_event(**{k: getattr(event, k) for k in ("date", "registration_deadline", "online_capacity", "online_link")})
    before = len(sent_mail())
    evaluations.open_evaluation(present(event_store().get(SLUG)), "tests", clock.now())
    deliver_mail()
    evaluated = {m.destinations["ToAddresses"][0] for m in sent_mail()[before:]}
    assert evaluated == {checked_in.email, online.email}
    assert absent.email not in evaluated


def test_no_way_of_taking_part_is_dropped_while_people_wait_for_it(make_event, organiser):
    make_event(capacity=0)  # no seats yet: everyone waits, on location
    register()
    form = event_form(capacity="0", online_capacity="5", online_link=LINK, version=version(SLUG))
    response = organiser.post(f"{BASE}/{SLUG}", form)
    assert response.status_code == 422
    page = response.body.decode()
    assert 'id="fout-capacity"' in page
    assert "Voor deze plaatsen staan nog mensen op de wachtlijst (1)." in page
    assert present(event_store().get(SLUG)).online_capacity == 0
    # with seats on location too, the waiting list stays reachable: the same change is taken
    assert organiser.post(f"{BASE}/{SLUG}", {**form, "capacity": "1"}).status_code == 303
    assert present(event_store().get(SLUG)).modes == (AttendanceMode.ON_SITE, AttendanceMode.ONLINE)
