"""What mails say about a person's part in a meeting: how they take part, their workshops, the link;
only where it belongs, and with a greeting that names them or nobody."""

from __future__ import annotations

import email
from datetime import timedelta

from chalicelib.core import clock
from chalicelib.events.parts import Slot, Speaker, Workshop
from chalicelib.events.store import event_store
from chalicelib.library import speakers
from chalicelib.registrations import moves
from chalicelib.registrations import service as registration
from tests.support.accounts import make_account, sign_in
from tests.support.aws import deliver_mail, sent_mail
from tests.support.factories import build_event, registration_form, store_event
from tests.support.jobs import scheduled
from tests.support.stored import present
from tests.support.web import FormSession

SLUG = "netwerkbijeenkomst-test"
LINK = "https://meet.jit.si/netwerkbijeenkomst-test-geheim"
WORKSHOPS = (
    Workshop(1, "Online ordeverstoring", 1, "Zaal 1", (Speaker("Dave van den Berg", "Politie"),)),
    Workshop(2, "Casus Rotterdam", 5, "Zaal 2"),
)
ROUND = Slot(4, "14:40", "15:20", "Workshopronde", workshops=WORKSHOPS)
ON_SITE_LINE = "U neemt deel op locatie."
ONLINE_LINE = "U neemt online deel."


def hybrid(rounds: bool = True, **overrides) -> None:
    """The test meeting on location and online, with a workshop round of two (slot 4) unless told not."""
    programme = [*build_event().programme, *([ROUND] if rounds else [])]
    store_event(build_event(capacity=2, online_capacity=2, online_link=LINK, programme=programme, **overrides))


def register(attendance: str, workshop: int | None = None, **overrides: str):
    form = registration_form(attendance=attendance, **overrides)
    if workshop is not None:
        form["round_4"] = str(workshop)
    return registration.register(SLUG, form, "nl").registration


def text_of(mail) -> str:
    """The plain-text part of a sent mail (parsed from bytes: an 8-bit part keeps its UTF-8)."""
    message = email.message_from_bytes(mail.raw.encode())
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return bytes(part.get_payload(decode=True)).decode(part.get_content_charset() or "utf-8").replace("\r\n", "\n")


def last_to(address: str):
    return next(m for m in reversed(sent_mail()) if m.destinations["ToAddresses"] == [address])


# -- confirmation and promotion name the workshop ------------------------------------------------


def test_a_confirmation_names_the_chosen_workshop_with_its_time_and_room(moto):
    hybrid()
    on_site = register("location", workshop=2, name="Fatima el Amrani")
    mail = last_to(on_site.email)
    for part in (text_of(mail), mail.body):
        assert ON_SITE_LINE in part
        assert "Uw workshop:" in part
        assert "14:40–15:20 Casus Rotterdam, Zaal 2" in part
        assert "Online ordeverstoring" not in part  # only their own
        assert LINK not in part
    assert text_of(mail).startswith("Beste Fatima el Amrani,\n")


def test_an_online_confirmation_names_no_workshop_and_no_place_to_come_to(moto):
    hybrid()
    online = register("online")
    mail = last_to(online.email)
    for part in (text_of(mail), mail.body):
        assert ONLINE_LINE in part
        assert ON_SITE_LINE not in part
        assert "workshop" not in part.lower()
        assert LINK in part
    assert "QR-code" not in mail.body


def test_without_a_workshop_round_a_confirmation_names_none(moto):
    hybrid(rounds=False)
    mail = last_to(register("location").email)
    assert ON_SITE_LINE in text_of(mail)
    assert "workshop" not in text_of(mail).lower()


def test_a_promotion_says_how_they_take_part_and_asks_for_a_workshop_choice(moto):
    hybrid()
    first, _second = register("location", workshop=2), register("location", workshop=2)
    waiting = register("location")
    online_first, _online_second = register("online"), register("online")
    waiting_online = register("online")
    assert "U staat op de wachtlijst" in text_of(last_to(waiting.email))
    assert ON_SITE_LINE not in text_of(last_to(waiting.email))  # waiting is no way of taking part yet

    moves.cancel(first.token)
    moves.cancel(online_first.token)

    promoted = text_of(last_to(waiting.email))
    assert "Er is een plaats vrijgekomen" in promoted
    assert ON_SITE_LINE in promoted
    assert "U hebt nog geen workshop gekozen. Dat doet u op uw persoonlijke pagina" in promoted
    promoted_online = text_of(last_to(waiting_online.email))
    assert ONLINE_LINE in promoted_online
    assert LINK in promoted_online
    assert "workshop" not in promoted_online.lower()


# -- mails about an end say nothing of taking part ------------------------------------------------


def test_cancellations_and_the_meeting_called_off_say_nothing_of_taking_part(moto, organiser):
    hybrid()
    online, on_site = register("online"), register("location", workshop=1)
    moves.cancel(online.token)
    own_cancellation = last_to(online.email)
    assert "geannuleerd" in own_cancellation.subject
    assert "U neemt" not in text_of(own_cancellation) + own_cancellation.body
    assert LINK not in text_of(own_cancellation)

    version = str(present(event_store().get(SLUG)).version)
    response = organiser.post(f"/beheer/bijeenkomsten/{SLUG}/status/annuleren", {"version": version})
    assert response.status_code == 303
    deliver_mail()
    called_off = last_to(on_site.email)
    assert called_off.subject.startswith("Geannuleerd: ")
    assert "U neemt" not in text_of(called_off) + called_off.body
    assert "Online ordeverstoring" not in text_of(called_off)


def test_the_evaluation_of_an_online_attendee_says_nothing_of_taking_part(moto, client):
    hybrid(rounds=False)
    online, on_site = register("online"), register("location")
    event = present(event_store().get(SLUG))
    event.date, event.registration_deadline = (clock.now() - timedelta(days=1)).date(), None
    store_event(event)
    assert scheduled(client, "send_evaluations") == {"opened": 1}
    deliver_mail()
    for person in (online, on_site):
        evaluation = last_to(person.email)
        assert evaluation.subject.startswith("Wat vond u van")
        assert "U neemt" not in text_of(evaluation) + evaluation.body
        assert LINK not in text_of(evaluation)


# -- the greeting ---------------------------------------------------------------------------------


def test_an_account_named_after_its_address_is_greeted_neutrally(client):
    make_account("org@zwijndrecht.nl", access="organiser", name="org")
    make_account("marjolein@zwijndrecht.nl", name="Marjolein de Vries")
    sign_in(FormSession(client), "org@zwijndrecht.nl")
    sign_in(FormSession(client), "marjolein@zwijndrecht.nl")
    neutral, named = last_to("org@zwijndrecht.nl"), last_to("marjolein@zwijndrecht.nl")
    assert text_of(neutral).startswith("Goedendag,\n")
    assert "Beste org" not in text_of(neutral) + neutral.body
    assert text_of(named).startswith("Beste Marjolein de Vries,\n")


# -- a speaker's own workshop ---------------------------------------------------------------------


def test_a_speaker_invitation_names_their_own_workshop(moto):
    hybrid()
    speakers.invite(SLUG, (4,), "Dave van den Berg", "Politie", "dave@politie.nl")
    speakers.invite(SLUG, (3,), "Annemarie van Hinsberg", "Movisie", "annemarie@movisie.nl")
    workshop_speaker = text_of(last_to("dave@politie.nl"))
    assert "14:40–15:20 Online ordeverstoring (workshop in de ronde Workshopronde, Zaal 1)" in workshop_speaker
    assert "Casus Rotterdam" not in workshop_speaker
    assert "13:55–14:35 Leernetwerk Polarisatie" in text_of(last_to("annemarie@movisie.nl"))
