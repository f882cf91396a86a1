"""Every public page through chalice.test.Client: good input, bad input, not found."""

from __future__ import annotations

import re

import pytest

from chalicelib.registrations.store import registration_store
from tests.support.accounts import mailed_token
from tests.support.aws import sent_mail
from tests.support.factories import in_days, registration_form
from tests.support.stored import present
from tests.support.web import FormSession

SLUG = "netwerkbijeenkomst-test"


def text(response) -> str:
    return response.body.decode()


def register(visitor: FormSession, **fields: str) -> str:
    """Register through the form, as a visitor does; the personal link's token, read from the mail."""
    form = registration_form(**fields)
    assert visitor.post(f"/events/{SLUG}/aanmelden", form).status_code == 200
    return mailed_token(form["email"])


def main_of(response) -> str:
    """The page's <main>: what it says, without the per-visitor form tokens around it."""
    return text(response).split("<main", 1)[1].split("</main>", 1)[0]


def test_home_lists_upcoming_events_only(make_event, visitor):
    make_event()
    make_event(
        slug="vorig-jaar", title="Bijeenkomst van vorig jaar", date=in_days(-300).date(), registration_deadline=None
    )

    page = visitor.get("/")

    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Netwerkbijeenkomst Maatschappelijk ongenoegen" in text(page)
    assert "Bijeenkomst van vorig jaar" not in text(page)
    assert '<html lang="nl" ' in text(page)


def test_events_are_paginated_and_past_ones_have_their_own_list(make_event, visitor, monkeypatch):
    # the test client sets the stage's variables around each request, so patch the getter
    monkeypatch.setattr("chalicelib.core.config.page_size", lambda: 2)
    for day in range(1, 6):
        make_event(
            slug=f"bijeenkomst-{day}",
            title=f"Bijeenkomst {day}",
            date=in_days(day * 10).date(),
            registration_deadline=None,
        )
    make_event(slug="oud", title="Oude bijeenkomst", date=in_days(-30).date(), registration_deadline=None)

    first = text(visitor.get("/events"))
    assert "Bijeenkomst 1" in first
    assert "Bijeenkomst 2" in first
    assert "Bijeenkomst 3" not in first
    cursor = present(re.search(r'href="/events\?when=upcoming&amp;after=([^"]+)"', first)).group(1)
    second = text(visitor.get(f"/events?when=upcoming&after={cursor}"))
    assert "Bijeenkomst 3" in second
    assert "Bijeenkomst 1" not in second
    past = text(visitor.get("/events?when=past"))
    assert "Oude bijeenkomst" in past
    assert "Bijeenkomst 1" not in past
    # a cursor is signed for its own list: the upcoming list's is refused by the past list
    assert visitor.get(f"/events?when=past&after={cursor}").status_code == 400


@pytest.mark.parametrize("cursor", ["garbage", "eyJ4IjoxfQ", "%00%01", "2027-01-01T10:00%23UPPER", "2027-01-01T10:00"])
def test_a_tampered_page_link_is_a_400_page_not_a_crash(moto, visitor, cursor):
    page = visitor.get(f"/events?after={cursor}")
    assert page.status_code == 400
    assert "Deze paginalink is ongeldig." in text(page)


def test_event_page_shows_programme_venue_and_places(make_event, visitor):
    make_event()
    page = text(visitor.get(f"/events/{SLUG}"))

    for expected in [
        "donderdag 18 maart 2027",
        "13:15–17:00 uur",
        "Raadzaal, Gemeentehuis Zwijndrecht",
        "Raadhuisplein 1, Zwijndrecht",
        "Leernetwerk Polarisatie",
        "Annemarie van Hinsberg (Movisie)",
        "Er zijn nog 3 plaatsen vrij.",
        "Specialist CTER (politie)",
        f'href="/events/{SLUG}.ics"',
        'name="csrf_token"',
    ]:
        assert expected in page


def test_event_page_in_english(make_event, client):
    make_event()
    page = text(FormSession(client, language="en").get(f"/events/{SLUG}"))
    assert '<html lang="en" ' in page
    assert "Thursday 18 March 2027" in page
    assert "3 places left." in page
    assert "Programme" in page


def test_on_an_english_page_what_the_organiser_wrote_is_marked_dutch(make_event, client):
    """Screen readers read a title in Dutch, and browsers hyphenate it as Dutch, only when it says so."""
    event = make_event()
    english = FormSession(client, language="en")
    page = text(english.get(f"/events/{SLUG}"))
    assert f'<h1 lang="nl">{event.title}</h1>' in page
    assert f'<p class="lead" lang="nl">{event.summary}</p>' in page
    assert f'<span class="slot-title" lang="nl">{event.programme[0].title}</span>' in page
    listed = text(english.get("/events"))
    assert f'<h3 lang="nl"><a href="/events/{SLUG}">{event.title}</a></h3>' in listed


def test_full_event_offers_the_waiting_list(make_event, visitor):
    make_event(capacity=1)
    visitor.post(f"/events/{SLUG}/aanmelden", registration_form())
    page = text(visitor.get(f"/events/{SLUG}"))
    assert "Deze bijeenkomst is vol." in page
    assert "Zet mij op de wachtlijst" in page


def test_closed_event_has_no_form(make_event, visitor, now):
    event = make_event()
    now["value"] = event.registration_deadline
    page = text(visitor.get(f"/events/{SLUG}"))
    assert "Aanmelden is gesloten." in page
    assert "<form" not in page


def test_cancelled_event_says_so(make_event, visitor):
    make_event(status="cancelled")
    page = text(visitor.get(f"/events/{SLUG}"))
    assert "Deze bijeenkomst is geannuleerd." in page
    assert "<form" not in page


def test_unknown_event_is_a_404_page(moto, visitor):
    page = visitor.get("/events/bestaat-niet")
    assert page.status_code == 404
    assert "Deze bijeenkomst bestaat niet (meer)." in text(page)
    assert visitor.get("/events/" + "x" * 300).status_code == 404


def test_calendar_file(make_event, visitor):
    make_event()
    response = visitor.get(f"/events/{SLUG}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    body = text(response)
    assert "BEGIN:VEVENT" in body
    assert "DTSTART;TZID=Europe/Amsterdam:20270318T131500" in body
    assert "BEGIN:VTIMEZONE" in body
    assert visitor.get("/events/bestaat-niet.ics").status_code == 404


def test_registering_shows_what_was_sent_and_mails_the_link(make_event, visitor):
    make_event()
    form = registration_form(name="Joppe van der Bruggen")
    response = visitor.post(f"/events/{SLUG}/aanmelden", form)

    assert response.status_code == 200
    page = text(response)
    assert "Aanmelding ontvangen" in page
    assert "Joppe van der Bruggen" in page
    assert f"De bevestiging gaat naar {form['email']}." in page
    assert "/r/" not in page  # the personal link goes only to the address
    token = mailed_token(form["email"])
    personal = text(visitor.get(f"/r/{token}"))
    assert "Joppe van der Bruggen" in personal
    assert f'href="/r/{token}/annuleren"' in personal  # a step that asks first, never a one-click cancel


def test_invalid_registration_shows_messages_next_to_fields_and_keeps_input(make_event, visitor):
    make_event()
    form = registration_form(email="fatima@", name="", remarks="Graag vegetarisch <b>", consent="")

    response = visitor.post(f"/events/{SLUG}/aanmelden", form)

    assert response.status_code == 422
    page = text(response)
    assert "Er is een probleem" in page
    assert 'id="fout-email"' in page
    assert "Vul een geldig e-mailadres in" in page
    assert 'id="fout-name"' in page
    assert "Dit veld is verplicht." in page
    assert "Geef toestemming" in page
    assert 'value="fatima@"' in page
    assert "Graag vegetarisch &lt;b&gt;</textarea>" in page  # kept, and escaped
    assert 'aria-invalid="true"' in page
    assert registration_store().list_for_event(SLUG) == []


def test_invalid_registration_in_english(make_event, client):
    make_event()
    response = FormSession(client, language="en").post(f"/events/{SLUG}/aanmelden", registration_form(email="nope"))
    assert "Enter a valid email address" in text(response)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "x" * 101, "Dit veld is te lang (maximaal 100 tekens)."),
        ("organisation", "Gemeente\x00Zwijndrecht", "Dit veld bevat tekens die niet zijn toegestaan."),
        ("name", "Fatima\u202eevil", "Dit veld bevat tekens die niet zijn toegestaan."),
        ("remarks", "r" * 1001, "Dit veld is te lang (maximaal 1000 tekens)."),
        ("role", "Astronaut", "Kies een van de genoemde functies."),
        ("email", "a@b", "Vul een geldig e-mailadres in"),
    ],
)
def test_each_limit_has_a_message(make_event, visitor, field, value, message):
    make_event()
    response = visitor.post(f"/events/{SLUG}/aanmelden", registration_form(**{field: value}))
    assert response.status_code == 422
    assert message in text(response)


def test_registering_an_address_again_answers_as_a_new_one_and_mails_its_owner(make_event, visitor, client):
    make_event()
    owner = registration_form(name="Fatima el Amrani")
    first = visitor.post(f"/events/{SLUG}/aanmelden", owner)
    token = mailed_token(owner["email"])

    # someone else types the same address with a name of their own: the answer is the one a new
    # registration gets (their own input back), and the owner's registration stays as it was
    stranger = FormSession(client)
    again = stranger.post(f"/events/{SLUG}/aanmelden", {**owner, "name": "Iemand Anders"})
    fresh = stranger.post(f"/events/{SLUG}/aanmelden", registration_form(name="Iemand Anders"))

    assert again.status_code == fresh.status_code == first.status_code == 200
    assert main_of(again).replace(owner["email"], "ADDRESS") == main_of(fresh).replace(fresh_address(fresh), "ADDRESS")
    assert token not in text(again)
    assert "Fatima el Amrani" not in text(again)
    assert token in sent_mail()[-2].body  # the owner of the address gets the link again
    assert sorted(r.name for r in registration_store().list_for_event(SLUG)) == ["Fatima el Amrani", "Iemand Anders"]


def fresh_address(response) -> str:
    found = re.search(r"De bevestiging gaat naar ([^ ]+@[^ ]+)\. ", text(response))
    assert found, "the page names the address"
    return found.group(1)


def test_registering_after_the_deadline_is_a_clear_409(make_event, visitor, now):
    event = make_event()
    now["value"] = event.registration_deadline
    response = visitor.post(f"/events/{SLUG}/aanmelden", registration_form())
    assert response.status_code == 409
    assert "Aanmelden voor deze bijeenkomst is niet meer mogelijk." in text(response)


def test_registering_for_an_unknown_event_is_404(moto, visitor):
    assert visitor.post("/events/bestaat-niet/aanmelden", registration_form()).status_code == 404


def test_every_form_needs_the_csrf_token(make_event, visitor, client):
    make_event()
    no_token = visitor.post(f"/events/{SLUG}/aanmelden", registration_form(), with_token=False)
    assert no_token.status_code == 403
    assert "Het formulier is verlopen" in text(no_token)

    other_visitor = FormSession(client)
    stolen = registration_form()
    stolen["csrf_token"] = "0" * 64
    assert other_visitor.post(f"/events/{SLUG}/aanmelden", stolen, with_token=False).status_code == 403

    token = register(visitor)
    assert visitor.post(f"/r/{token}/annuleren", {}, with_token=False).status_code == 403
    assert registration_store().list_for_event(SLUG)[0].status == "confirmed"


def test_first_visit_sets_a_csrf_cookie(make_event, client):
    make_event()
    response = client.http.get(f"/events/{SLUG}")
    [cookie] = response.headers["Set-Cookie"]  # a list: Chalice sends each as its own header
    assert cookie.startswith("csrf=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_cancel_through_the_personal_page(make_event, visitor):
    make_event()
    token = register(visitor)

    # the link asks first: what is at stake, and a button that says what it does
    question = text(visitor.get(f"/r/{token}/annuleren"))
    assert "Aanmelding annuleren?" in question
    assert "Uw plaats gaat meteen naar de eerste op de wachtlijst." in question
    assert f'action="/r/{token}/annuleren"' in question
    assert f'href="/r/{token}"' in question  # and the way back

    response = visitor.post(f"/r/{token}/annuleren", {})

    assert response.status_code == 303
    assert response.headers["Location"] == f"/r/{token}?geannuleerd=1"
    page = text(visitor.get(response.headers["Location"]))
    assert "Uw aanmelding is geannuleerd." in page
    assert "annuleren" not in page.split("</dl>")[1]  # no second cancel button
    mail = sent_mail()[-1]
    assert mail.subject == "Uw aanmelding voor Netwerkbijeenkomst Maatschappelijk ongenoegen is geannuleerd"
    assert "U heeft uw aanmelding voor deze bijeenkomst geannuleerd" in mail.body
    assert "cid:" not in mail.body  # no QR code for a seat that is gone
    assert visitor.post(f"/r/{token}/annuleren", {}).status_code == 409
    # the question is not asked again
    assert visitor.get(f"/r/{token}/annuleren").headers["Location"] == f"/r/{token}"


def test_a_full_event_names_the_waiting_list_only_when_someone_is_on_it(make_event, visitor):
    make_event(capacity=1)
    visitor.post(f"/events/{SLUG}/aanmelden", registration_form())
    full = text(visitor.get(f"/events/{SLUG}"))
    assert "Deze bijeenkomst is vol." in full
    # near the top, a way down to the form
    assert full.index('href="#aanmelden"') < full.index('id="over-kop"')
    assert (
        '<a href="#aanmelden" class="utrecht-button utrecht-button--primary-action">Naar het formulier voor de wachtlijst</a>'
        in full
    )
    assert "op de wachtlijst." not in full.split("Deze bijeenkomst is vol.")[1].split("</p>")[0]
    visitor.post(f"/events/{SLUG}/aanmelden", registration_form())
    assert "Er staat nu 1 persoon op de wachtlijst." in text(visitor.get(f"/events/{SLUG}"))


def test_waiting_list_position_on_the_personal_page(make_event, visitor):
    make_event(capacity=1)
    register(visitor)
    page = text(visitor.get(f"/r/{register(visitor)}"))
    assert "Op de wachtlijst, plaats 1" in page


def test_failed_mail_is_said_on_the_page(make_event, visitor, monkeypatch):
    make_event()
    monkeypatch.setattr("chalicelib.core.config.mail_sender", lambda: "unverified@elders.example")
    response = visitor.post(f"/events/{SLUG}/aanmelden", registration_form())
    assert response.status_code == 200
    assert "We konden de e-mail met uw persoonlijke link nu niet sturen." in text(response)
    assert "/r/" not in text(response)
    assert len(registration_store().list_for_event(SLUG)) == 1  # the seat is held


def test_unknown_personal_link_is_404(moto, visitor):
    page = visitor.get("/r/" + "A" * 43)
    assert page.status_code == 404
    assert "Deze link is niet (meer) geldig." in text(page)
    assert visitor.post("/r/" + "A" * 43 + "/annuleren", {}).status_code == 404


def test_personal_pages_are_not_cached_and_leak_no_referrer(make_event, visitor):
    make_event()
    page = visitor.get(f"/r/{register(visitor)}")
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/events", "/events"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("", "/"),
    ],
)
def test_language_switch_sets_a_cookie_and_only_returns_to_local_paths(client, target, expected):
    response = client.http.get(f"/taal/en?next={target}")
    assert response.status_code == 303
    assert response.headers["Location"] == expected
    assert response.headers["Set-Cookie"].startswith("lang=en;")


def test_unknown_language_is_404(client):
    assert client.http.get("/taal/fr").status_code == 404


def test_privacy_statement(client):
    page = client.http.get("/privacy")
    assert page.status_code == 200
    assert "90 dagen" in text(page)


def test_static_files_only_by_safe_name(client):
    css = client.http.get("/static/portal.css")
    assert css.status_code == 200
    assert css.headers["Content-Type"] == "text/css; charset=utf-8"
    assert client.http.get("/static/..%2Fapp.py").status_code == 404
    assert client.http.get("/static/missing.css").status_code == 404


def test_wrong_content_type_on_a_form_is_a_page_not_json(make_event, client):
    make_event()
    response = client.http.post(f"/events/{SLUG}/aanmelden", body="{}", headers={"content-type": "application/json"})
    assert response.status_code == 415
    assert "text/html" in response.headers["Content-Type"]


def test_an_unexpected_error_shows_a_500_page_without_a_trace(make_event, visitor, monkeypatch):
    make_event()

    def broken(*_args, **_kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("chalicelib.events.service.get", broken)
    page = visitor.get(f"/events/{SLUG}")
    assert page.status_code == 500
    assert "Er ging iets mis" in text(page)
    assert "secret internals" not in text(page)
    assert "Traceback" not in text(page)


def test_outbox_shows_sent_mail_only_on_the_local_stage(make_event, visitor, monkeypatch):
    monkeypatch.setattr("chalicelib.core.config.stage", lambda: "dev")
    assert visitor.get("/outbox").status_code == 404


def test_security_txt_says_whom_to_tell_until_when(moto, client, now):
    """RFC 9116: Contact and Expires are required; Expires less than a year ahead."""
    from datetime import datetime, timedelta

    response = client.http.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    fields = dict(
        line.split(": ", 1) for line in response.body.decode().splitlines() if line and not line.startswith("#")
    )
    assert fields["Contact"] == "mailto:beveiliging@portal.example"
    expires = datetime.fromisoformat(fields["Expires"].replace("Z", "+00:00"))
    assert now["value"] < expires < now["value"] + timedelta(days=365)
    assert fields["Preferred-Languages"] == "nl, en"
    assert fields["Canonical"].endswith("/.well-known/security.txt")


def test_the_accessibility_statement_is_linked_from_every_page_in_both_languages(make_event, client):
    make_event()
    for path in ("/", "/events", "/kennisbank", "/privacy"):
        assert 'href="/toegankelijkheid"' in client.http.get(path).body.decode(), path
    dutch = client.http.get("/toegankelijkheid").body.decode()
    assert "<h1>Toegankelijkheidsverklaring</h1>" in dutch
    assert "Status C: eerste maatregelen genomen" in dutch
    assert "axe-core" in dutch
    assert 'href="mailto:netwerk@portal.example"' in dutch
    english = client.http.get("/toegankelijkheid", headers={"cookie": "lang=en"}).body.decode()
    assert "<h1>Accessibility statement</h1>" in english
    assert "Status C" in english


def test_the_accessibility_statement_gives_the_figures_the_phone_tests_measure(client):
    """tests/web/test_phones.py measures chalicelib/core/checked.py's pages at its widths, with its rows."""
    from chalicelib.core import checked

    dutch = client.http.get("/toegankelijkheid").body.decode()
    assert f"openen de tests {checked.PAGES} pagina's" in dutch
    assert f"hebben dan elk {checked.ROWS} rijen" in dutch
    assert "Op schermen van 320, 390, 1280 pixels breed" in dutch
    assert "Nu HTML Checker" in dutch


def test_a_signed_in_member_keeps_their_menu_on_an_error_page(make_event, client):
    from tests.support.accounts import make_account, sign_in
    from tests.support.web import FormSession

    make_event()
    make_account("lid@rotterdam.nl")
    member = sign_in(FormSession(client), "lid@rotterdam.nl")
    response = member.get("/events/bestaat-niet")
    assert response.status_code == 404
    assert "Mijn account" in response.body.decode()


def test_a_signed_in_member_reaches_their_own_registration_and_no_one_elses(make_event, client):
    from tests.support.accounts import make_account, sign_in

    make_event()
    make_account("lid@zwijndrecht.nl")
    member = sign_in(FormSession(client), "lid@zwijndrecht.nl")
    own = member.post(f"/events/{SLUG}/aanmelden", registration_form(email="lid@zwijndrecht.nl"))
    # the account shows the member reads this address: straight to the registration
    assert own.status_code == 303
    assert own.headers["Location"].startswith("/r/")
    assert "Bedankt, u bent aangemeld." in text(member.get(own.headers["Location"]))
    token = mailed_token("lid@zwijndrecht.nl")
    assert f'href="/r/{token}"' in text(member.get("/account"))  # and from the account, later

    # a colleague's address typed by the same member: the page anyone gets, without the link
    other = member.post(f"/events/{SLUG}/aanmelden", registration_form(email="collega@zwijndrecht.nl"))
    assert other.status_code == 200
    assert "/r/" not in text(other)
    assert mailed_token("collega@zwijndrecht.nl") not in text(member.get("/account"))
