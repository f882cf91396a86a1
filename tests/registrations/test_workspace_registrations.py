"""An event's registrations in the workspace: list and filters, promote and cancel,
CSV export, check-in (QR and list), overview with chart, message; and speakers."""

from __future__ import annotations

import email
import email.policy
import re
from zoneinfo import ZoneInfo

import pytest

from chalicelib.audit.store import audit_store
from chalicelib.core import clock
from chalicelib.events.model import AttendanceMode
from chalicelib.events.store import event_store
from chalicelib.library.store import library_store
from chalicelib.mail.store import job_store
from chalicelib.registrations import retention
from chalicelib.registrations import service as registration
from chalicelib.registrations.store import registration_store
from tests.support.accounts import last_link, make_account, on_the_day, sign_in
from tests.support.aws import NOW, deliver_exports, deliver_mail, sent_mail
from tests.support.factories import MEETING_DAY, registration_form, store_event
from tests.support.stored import present
from tests.support.web import FormSession, csv_rows, download_export, xlsx_rows

SLUG = "netwerkbijeenkomst-test"
BASE = f"/beheer/bijeenkomsten/{SLUG}"


@pytest.fixture
def organiser(client, make_event) -> FormSession:
    make_event()
    make_account("org@zwijndrecht.nl", access="organiser")
    return sign_in(FormSession(client), "org@zwijndrecht.nl")


def register(**form: str):
    return registration.register(SLUG, registration_form(**form), "nl").registration


def audit_actions() -> list[str]:
    return [e.action for e in audit_store().month(clock.now().strftime("%Y-%m"), 500).items]


def test_workspace_lists_show_dutch_dates_and_local_times(organiser):
    reg = register(name="Anna Jansen")
    listing = organiser.get(f"{BASE}/aanmeldingen").body.decode()
    local = reg.created_at.astimezone(ZoneInfo("Europe/Amsterdam"))
    months = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
              "november", "december")  # fmt: skip
    assert f"{local.day} {months[local.month - 1]} {local.year}, {local:%H:%M}" in listing
    assert not re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", listing)  # no ISO dates


def test_list_search_and_status_filters(organiser, now):
    anna = register(name="Anna Jansen", organisation="Politie Rotterdam")
    register(name="Bram de Wit")
    register(name="Carla Smit")
    waiting = register(name="Dirk Waits")
    on_the_day(now, organiser)  # check-in opens on the day
    organiser.post(f"{BASE}/aanmeldingen/{anna.key}/aanwezig", {})

    def names(query: str) -> list[str]:
        body = organiser.get(f"{BASE}/aanmeldingen{query}").body.decode()
        return [n for n in ("Anna Jansen", "Bram de Wit", "Carla Smit", "Dirk Waits") if n in body]

    assert names("") == ["Anna Jansen", "Bram de Wit", "Carla Smit", "Dirk Waits"]
    assert names("?status=waiting") == ["Dirk Waits"]
    assert names("?status=attended") == ["Anna Jansen"]
    assert names("?status=confirmed") == ["Bram de Wit", "Carla Smit"]  # not yet checked in
    assert names("?q=%C3%A1NNA+%20j") == ["Anna Jansen"]  # the start of the name, without case or accents
    assert names("?q=DIRK&status=waiting") == ["Dirk Waits"]
    assert names("?q=dirk&status=confirmed") == []
    assert names("?status=%3Cscript%3E") == ["Anna Jansen", "Bram de Wit", "Carla Smit", "Dirk Waits"]  # ignored
    assert waiting.status == "waiting"


def test_promote_needs_a_free_seat_and_is_atomic(organiser):
    for _ in range(3):
        register()
    waiting = register(name="Wachtende")
    assert "/promoveren" not in organiser.get(f"{BASE}/aanmeldingen").body.decode()  # no button while full
    response = organiser.post(f"{BASE}/aanmeldingen/{waiting.key}/promoveren", {})
    assert response.status_code == 409
    assert "Er is geen plaats vrij" in response.body.decode()
    assert present(registration_store().get(SLUG, waiting.sk)).status == "waiting"
    assert (present(event_store().get(SLUG)).confirmed, present(event_store().get(SLUG)).waiting) == (3, 1)

    # raise the capacity, then give the place by hand
    event = present(event_store().get(SLUG))
    event.capacity = 4
    store_event(event)
    page = organiser.get(f"{BASE}/aanmeldingen").body.decode()
    assert "Vrije plaatsen: 1. Op de wachtlijst: 1." in page
    assert f"/aanmeldingen/{waiting.key}/promoveren" in page
    assert organiser.post(f"{BASE}/aanmeldingen/{waiting.key}/promoveren", {}).status_code == 303
    promoted = present(registration_store().get(SLUG, waiting.sk))
    assert (promoted.status, promoted.wait_key) == ("confirmed", "")
    assert (present(event_store().get(SLUG)).confirmed, present(event_store().get(SLUG)).waiting) == (4, 0)
    assert registration_store().first_waiting(SLUG, AttendanceMode.ON_SITE) is None
    assert "Er is een plaats vrij" in sent_mail()[-1].subject
    assert "registration.promoted" in audit_actions()
    # promoting again is refused, not repeated
    assert organiser.post(f"{BASE}/aanmeldingen/{waiting.key}/promoveren", {}).status_code == 409


def test_organiser_cancels_a_seat_which_goes_to_the_first_in_line(organiser):
    seated = [register() for _ in range(3)]
    first_waiting = register(name="Eerste wachtende")
    register(name="Tweede wachtende")
    # the list links to a question first, which says the seat goes on and the person is mailed
    listing = organiser.get(f"{BASE}/aanmeldingen").body.decode()
    assert f'href="{BASE}/aanmeldingen/{seated[0].key}/annuleren"' in listing
    question = organiser.get(f"{BASE}/aanmeldingen/{seated[0].key}/annuleren").body.decode()
    assert "De plaats gaat meteen naar de eerste op de wachtlijst." in question
    assert f'action="{BASE}/aanmeldingen/{seated[0].key}/annuleren"' in question
    assert organiser.post(f"{BASE}/aanmeldingen/{seated[0].key}/annuleren", {}).status_code == 303
    assert present(registration_store().get(SLUG, seated[0].sk)).status == "cancelled"
    assert present(registration_store().get(SLUG, first_waiting.sk)).status == "confirmed"
    assert (present(event_store().get(SLUG)).confirmed, present(event_store().get(SLUG)).waiting) == (3, 1)
    subjects = {m.destinations["ToAddresses"][0]: m.subject for m in sent_mail()[-2:]}
    assert subjects[seated[0].email].endswith("is geannuleerd")
    assert subjects[first_waiting.email].startswith("Er is een plaats vrij")
    entry = next(e for e in audit_store().month("2026-11", 50).items if e.action == "registration.cancelled")
    assert entry.after == {"status": "cancelled", "promoted": first_waiting.key}
    assert organiser.post(f"{BASE}/aanmeldingen/{seated[0].key}/annuleren", {}).status_code == 409
    assert organiser.post(f"{BASE}/aanmeldingen/{'f' * 32}/annuleren", {}).status_code == 404
    assert organiser.post(f"{BASE}/aanmeldingen/niet-hex/annuleren", {}).status_code == 404


def test_someone_checked_in_is_not_offered_for_cancelling(organiser, now):
    checked_in = register(name="Anna Aanwezig")
    on_the_day(now, organiser)
    assert organiser.post(f"{BASE}/aanmeldingen/{checked_in.key}/aanwezig", {}).status_code == 303
    listing = organiser.get(f"{BASE}/aanmeldingen?status=attended").body.decode()
    assert "Anna Aanwezig" in listing
    assert f"/aanmeldingen/{checked_in.key}/annuleren" not in listing
    refused = organiser.post(f"{BASE}/aanmeldingen/{checked_in.key}/annuleren", {})
    assert refused.status_code == 409
    assert "Meld de persoon eerst afwezig" in refused.body.decode()
    assert present(registration_store().get(SLUG, checked_in.sk)).status == "confirmed"


HOSTILE = {
    "name": '=HYPERLINK("http://evil.example","klik")',
    "organisation": "+31 gemeente",
    "role": "-1+1",
    "remarks": "@SUM(A1:A9)",
}


def test_csv_export_neutralises_formulas(organiser, make_event):
    make_event(roles=())  # free text roles, so a hostile one can be typed
    reg = register(**HOSTILE)
    response = download_export(organiser, f"{BASE}/export")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == ["Naam", "E-mailadres", "Organisatie", "Functie", "Status", "Aangemeld op", "Opmerkingen"]
    name, address, organisation, role, status, _at, remarks = rows[1]
    assert name == "'" + HOSTILE["name"]
    assert organisation == "'+31 gemeente"
    assert role == "'-1+1"
    assert remarks == "'@SUM(A1:A9)"
    assert (address, status) == (reg.email, "Bevestigd")
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_excel_export_holds_every_cell_as_text_in_the_organisers_language(organiser, make_event):
    make_event(roles=())
    reg = register(**HOSTILE)
    response = download_export(organiser, f"{BASE}/export", "xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f'filename="aanmeldingen-{SLUG}.xlsx"' in response.headers["Content-Disposition"]
    sheet, rows, sheet_xml = xlsx_rows(response)
    assert sheet == "Aanmeldingen"
    assert rows[0] == ["Naam", "E-mailadres", "Organisatie", "Functie", "Status", "Aangemeld op", "Opmerkingen"]
    name, address, organisation, role, status, _at, remarks = rows[1]
    # a formula typed into the form stays the text it is: no cell is a formula, a link or a number
    assert (name, organisation, role, remarks) == (HOSTILE["name"], "+31 gemeente", "-1+1", "@SUM(A1:A9)")
    assert (address, status) == (reg.email, "Bevestigd")
    assert "<f>" not in sheet_xml
    assert 't="inlineStr"' in sheet_xml
    assert 't="n"' not in sheet_xml


def test_an_export_in_an_unknown_format_is_refused_and_nothing_is_queued(organiser, make_event):
    make_event()
    assert organiser.post(f"{BASE}/export", {"formaat": "pdf"}).status_code == 400
    assert organiser.post("/beheer/nieuwsbrief/export", {"formaat": "xls"}).status_code == 400
    assert deliver_exports() == 0


def test_csv_export_speaks_the_organisers_language_and_keeps_accents(client, make_event):
    """Excel with Dutch settings opens the file in columns with its accents; an organiser who reads
    the workspace in English gets English headers and statuses."""
    make_event()
    make_account("org@zwijndrecht.nl", access="organiser")
    reg = register(name="Zoë Çelik", organisation="Gemeente Ede")
    for language, header, status in (
        ("nl", ["Naam", "E-mailadres", "Organisatie", "Functie", "Status", "Aangemeld op", "Opmerkingen"], "Bevestigd"),
        ("en", ["Name", "Email address", "Organisation", "Role", "Status", "Registered on", "Remarks"], "Confirmed"),
    ):
        organiser = sign_in(FormSession(client, language=language), "org@zwijndrecht.nl")
        rows = csv_rows(download_export(organiser, f"{BASE}/export"))
        assert rows[0] == header
        assert rows[1][0] == "Zoë Çelik"
        assert rows[1][4] == status
        registered = reg.created_at.astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%d-%m-%Y %H:%M")
        assert rows[1][5] == registered  # day-month-year, as Dutch spreadsheets read a date
        sheet, book_rows, _xml = xlsx_rows(download_export(organiser, f"{BASE}/export", "xlsx"))
        assert book_rows == rows  # the workbook holds what the CSV holds, in the same language
        assert sheet == {"nl": "Aanmeldingen", "en": "Registrations"}[language]


def test_confirmation_mail_carries_a_qr_code_of_the_personal_link(organiser):
    import segno  # noqa: F401 (the library must be installed for the package, too)

    reg = register()
    raw = sent_mail()[-1].raw
    message = email.message_from_string(raw, policy=email.policy.default)
    [png] = [p for p in message.walk() if p.get_content_type() == "image/png"]
    assert png["Content-ID"] == "<toegang-qr>"
    assert png.get_content()[:8] == b"\x89PNG\r\n\x1a\n"
    html = present(message.get_body(("html",))).get_content()
    assert 'src="cid:toegang-qr"' in html
    assert f"/r/{reg.token}" in html
    # people on the waiting list get no QR code: they have no seat to check in to
    for _ in range(3):
        register()
    assert "image/png" not in sent_mail()[-1].raw


def test_an_organiser_scanning_the_qr_code_checks_the_person_in(organiser, client, now):
    reg = register(name="Scan Mij")
    on_the_day(now, organiser)
    anonymous = client.http.get(f"/r/{reg.token}").body.decode()
    assert "aanwezig melden" not in anonymous
    assert "Aanmelding annuleren" in anonymous
    assert "<h1>Uw aanmelding</h1>" in anonymous
    page = organiser.get(f"/r/{reg.token}").body.decode()
    assert "<h1>Aanmelding van Scan Mij</h1>" in page  # not "Uw aanmelding": the organiser reads whose it is
    assert f'action="{BASE}/aanmeldingen/{reg.key}/aanwezig"' in page
    assert "Aanmelding annuleren" not in page  # nothing to tap by mistake at the door
    response = organiser.post(f"{BASE}/aanmeldingen/{reg.key}/aanwezig", {})
    assert response.status_code == 303
    assert response.headers["Location"] == f"{BASE}/inchecken?gedaan={reg.key}#inchecken"
    assert present(registration_store().get(SLUG, reg.sk)).attended_at is not None
    assert "Scan Mij is aanwezig gemeld." in organiser.get(f"{BASE}/inchecken?gedaan={reg.key}").body.decode()
    assert "Scan Mij is aanwezig gemeld." in organiser.get(f"/r/{reg.token}").body.decode()


def test_check_in_page_search_undo_and_only_confirmed(organiser, now):
    anna = register(name="Anna Jansen")
    register(name="Bram de Wit")
    for _ in range(1):
        register()
    waiting = register(name="Wacht Even")
    on_the_day(now, organiser)
    body = organiser.get(f"{BASE}/inchecken?q=anna").body.decode()
    assert "Anna Jansen" in body
    assert "Bram de Wit" not in body
    assert "0 van de 3 bevestigde deelnemers zijn aanwezig." in body  # the count is the event's, not the search's
    assert "Wacht Even" not in organiser.get(f"{BASE}/inchecken").body.decode()
    assert organiser.post(f"{BASE}/aanmeldingen/{anna.key}/aanwezig", {}).status_code == 303
    assert "1 van de 3 bevestigde deelnemers is aanwezig." in organiser.get(f"{BASE}/inchecken").body.decode()
    assert organiser.post(f"{BASE}/aanmeldingen/{anna.key}/afwezig", {}).status_code == 303
    assert present(registration_store().get(SLUG, anna.sk)).attended_at is None
    assert organiser.post(f"{BASE}/aanmeldingen/{waiting.key}/aanwezig", {}).status_code == 409
    assert {"registration.attended", "registration.not_attended"} <= set(audit_actions())


def test_the_check_in_page_says_when_everyone_is_in(organiser, now):
    on_the_day(now, organiser)
    assert "Nog niemand heeft een bevestigde aanmelding." in organiser.get(f"{BASE}/inchecken").body.decode()
    now["value"] = NOW  # registration closed a week before the day
    people = [register(name=name) for name in ("Anna Jansen", "Bram de Wit")]
    now["value"] = MEETING_DAY  # the session of that morning still holds
    assert "Iedereen is aanwezig gemeld." not in organiser.get(f"{BASE}/inchecken").body.decode()
    for reg in people:
        assert organiser.post(f"{BASE}/aanmeldingen/{reg.key}/aanwezig", {}).status_code == 303
    body = organiser.get(f"{BASE}/inchecken").body.decode()
    assert "Iedereen is aanwezig gemeld." in body
    assert "Niemand gevonden." not in body
    assert "Niemand gevonden." in organiser.get(f"{BASE}/inchecken?q=zzz").body.decode()


def test_a_mistaken_check_in_is_undone_from_its_notice(organiser, now):
    anna = register(name="Anna Jansen")
    on_the_day(now, organiser)
    organiser.post(f"{BASE}/aanmeldingen/{anna.key}/aanwezig", {})
    notice = organiser.get(f"{BASE}/inchecken?gedaan={anna.key}").body.decode().split('role="status"', 1)[1]
    notice = notice.split("</div>", 1)[0]
    assert "Anna Jansen is aanwezig gemeld." in notice
    assert f'action="{BASE}/aanmeldingen/{anna.key}/afwezig"' in notice
    assert organiser.post(f"{BASE}/aanmeldingen/{anna.key}/afwezig", {}).status_code == 303
    undone = organiser.get(f"{BASE}/inchecken?gedaan={anna.key}").body.decode().split('role="status"', 1)[1]
    assert "Anna Jansen is niet meer aanwezig gemeld." in undone.split("</div>", 1)[0]
    assert "/afwezig" not in undone.split("</div>", 1)[0]  # nothing left to undo


def test_printable_attendance_list_has_the_confirmed_people(organiser):
    register(name="Anna Jansen")
    for _ in range(2):
        register()
    register(name="Wacht Even")
    body = organiser.get(f"{BASE}/presentielijst").body.decode()
    assert "Anna Jansen" in body
    assert "Wacht Even" not in body
    assert "3 deelnemers." in body
    assert "Handtekening" in body


def test_overview_counts_and_svg_chart_survive_anonymisation(organiser, now, client):
    register(organisation="Gemeente Dordrecht", role="Aandachtsfunctionaris")
    register(organisation="Gemeente Dordrecht", role="Specialist CTER (politie)")
    register(organisation="Politie Rotterdam", role="Specialist CTER (politie)")
    body = organiser.get(f"{BASE}/overzicht").body.decode()
    assert "<svg" in body
    assert 'role="img"' in body
    assert body.count('class="chart-bar"') == 1
    assert "<td>Gemeente Dordrecht</td><td>2</td>" in body
    assert "<td>Specialist CTER (politie)</td><td>2</td>" in body
    assert "<script" not in body  # drawn on the server
    # after the retention period the names are gone, the figures are not
    from datetime import timedelta

    now["value"] = now["value"].replace(year=2027, month=7, day=1) + timedelta(days=1)
    assert retention.anonymise_old_registrations() >= 1
    assert registration_store().list_for_event(SLUG) == []
    organiser = sign_in(FormSession(client), "org@zwijndrecht.nl")  # months later: a new session
    body = organiser.get(f"{BASE}/overzicht").body.decode()
    assert "<td>Gemeente Dordrecht</td><td>2</td>" in body


def test_message_to_all_confirmed_attendees(organiser):
    confirmed = [register() for _ in range(3)]
    waiting = register()
    before = len(sent_mail())
    response = organiser.post(
        f"{BASE}/bericht", {"subject": "Parkeren", "body": "Parkeer bij het station.\n\nTot dan!"}
    )
    assert response.status_code == 303
    job_id = response.headers["Location"].removeprefix("/beheer/verzendingen/")
    assert sent_mail()[before:] == []  # the request only queued it
    deliver_mail()
    mails = sent_mail()[before:]
    assert sorted(m.destinations["ToAddresses"][0] for m in mails) == sorted(r.email for r in confirmed)
    assert waiting.email not in {m.destinations["ToAddresses"][0] for m in mails}
    assert all(m.subject == "Parkeren" and "<p>Parkeer bij het station.</p>" in m.body for m in mails)
    entry = next(e for e in audit_store().month("2026-11", 50).items if e.action == "event.messaged")
    assert entry.after == {"job": job_id, "kind": "attendee_message", "subject": "Parkeren"}
    job = present(job_store().get(job_id))
    assert (job.status, job.total, job.sent, job.failed) == ("done", 3, 3, 0)


def test_an_empty_message_is_refused_with_the_input_kept(organiser):
    response = organiser.post(f"{BASE}/bericht", {"subject": "Alleen een onderwerp", "body": "  "})
    assert response.status_code == 422
    assert 'value="Alleen een onderwerp"' in response.body.decode()


# -- speakers --------------------------------------------------------------------


def test_invite_resend_and_revoke_a_speaker(organiser, client):
    form = {
        "name": "Annemarie van Hinsberg",
        "organisation": "Movisie",
        "email": "annemarie@movisie.nl",
        "slot_3": "yes",
    }
    assert organiser.post(f"{BASE}/sprekers", form).status_code == 303
    first = last_link("annemarie@movisie.nl", "/spreker")
    assert client.http.get(f"/spreker/{first}").status_code == 200
    [speaker] = library_store().speakers_of(SLUG)
    assert speaker.slots == (3,)
    page = organiser.get(f"{BASE}/sprekers").body.decode()
    assert "Annemarie van Hinsberg" in page
    assert "Nog niet binnen" in page

    assert organiser.post(f"{BASE}/sprekers/{speaker.id}/opnieuw", {}).status_code == 303
    second = last_link("annemarie@movisie.nl", "/spreker")
    assert second != first
    assert client.http.get(f"/spreker/{second}").status_code == 200

    assert organiser.post(f"{BASE}/sprekers/{speaker.id}/intrekken", {}).status_code == 303
    assert client.http.get(f"/spreker/{first}").status_code == 410
    assert client.http.get(f"/spreker/{second}").status_code == 410
    assert organiser.post(f"{BASE}/sprekers/{speaker.id}/opnieuw", {}).status_code == 409
    assert {"speaker.invited", "speaker.resent", "speaker.revoked"} <= set(audit_actions())


def test_a_speaker_in_the_programme_is_invited_from_their_row_with_name_and_slots_filled_in(organiser):
    programme = organiser.get(f"{BASE}/programma").body.decode()
    link = f"{BASE}/sprekers?onderdeel=3&amp;spreker=0#veld-email"
    assert f'<a href="{link}"' in programme  # on Annemarie's row

    # GIVEN the link from her row, WHEN the organiser adds only her address and sends
    page = organiser.get(link.replace("&amp;", "&").split("#")[0]).body.decode()
    assert 'value="Annemarie van Hinsberg"' in page
    assert 'value="Movisie"' in page
    assert 'name="slot_3" type="checkbox" value="yes" checked' in page
    assert 'name="slot_2" type="checkbox" value="yes" checked' not in page
    assert page.count(">Annemarie van Hinsberg uitnodigen</a>") == 1  # not invited yet
    form = {"name": "Annemarie van Hinsberg", "organisation": "Movisie", "email": "a@movisie.nl", "slot_3": "yes"}
    assert organiser.post(f"{BASE}/sprekers", form).status_code == 303

    # THEN she is invited for her slot, and the link is gone from the list
    [speaker] = library_store().speakers_of(SLUG)
    assert (speaker.name, speaker.organisation, speaker.slots) == ("Annemarie van Hinsberg", "Movisie", (3,))
    after = organiser.get(f"{BASE}/sprekers").body.decode()
    assert "Annemarie van Hinsberg uitnodigen" not in after
    assert "Burgemeester Haan uitnodigen" in after
    # and the programme no longer offers to invite her again
    programme = organiser.get(f"{BASE}/programma").body.decode()
    assert f'<a href="{link}"' not in programme
    assert re.search(r"Annemarie van Hinsberg \(Movisie\)\s*<span class=\"meta\">\(uitgenodigd\)</span>", programme)
    # a query that names no programme speaker gives an empty form
    for query in ("onderdeel=3&spreker=9", "onderdeel=99&spreker=0", "onderdeel=3&spreker=-1", "spreker=0"):
        assert 'value="Annemarie van Hinsberg"' not in organiser.get(f"{BASE}/sprekers?{query}").body.decode()


def test_inviting_needs_a_name_an_address_and_a_slot(organiser):
    response = organiser.post(f"{BASE}/sprekers", {"name": "", "email": "geen-adres", "organisation": "Movisie"})
    body = response.body.decode()
    assert response.status_code == 422
    for message in ("Dit veld is verplicht.", "Vul een geldig e-mailadres in", "Kies ten minste één onderdeel"):
        assert message in body
    assert 'value="Movisie"' in body
    assert library_store().speakers_of(SLUG) == []
