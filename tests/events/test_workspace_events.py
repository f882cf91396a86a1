"""The organisers' workspace for events: create, edit, publish, cancel, and the programme editor."""

from __future__ import annotations

import pytest

from chalicelib.audit.store import audit_store
from chalicelib.events.listings import event_listings
from chalicelib.events.store import event_store
from chalicelib.library.store import library_store
from chalicelib.registrations import service as registration
from tests.support.aws import deliver_mail, sent_mail
from tests.support.events import BASE, event_form, version
from tests.support.factories import registration_form
from tests.support.stored import present
from tests.support.web import FormSession

SLUG = "netwerkbijeenkomst-test"


def audit_actions() -> list[str]:
    from chalicelib.core import clock

    return [e.action for e in audit_store().month(clock.now().strftime("%Y-%m"), 500).items]


def test_a_new_event_is_a_draft_nobody_else_sees(organiser, client):
    response = organiser.post(BASE, event_form())
    assert response.status_code == 303
    assert response.headers["Location"] == f"{BASE}/netwerkbijeenkomst-dordrecht/programma"
    event = present(event_store().get("netwerkbijeenkomst-dordrecht"))
    assert (event.status, event.capacity, event.roles) == (
        "draft",
        40,
        ("Aandachtsfunctionaris", "Specialist CTER (politie)"),
    )
    assert event.themes == ("polarisatie",)
    assert event.publish_slides_after
    assert client.http.get("/events/netwerkbijeenkomst-dordrecht").status_code == 404
    assert "netwerkbijeenkomst-dordrecht" not in client.http.get("/events").body.decode()
    assert "Netwerkbijeenkomst Dordrecht" not in organiser.get(BASE).body.decode()  # the published ones
    assert "Netwerkbijeenkomst Dordrecht" in organiser.get(f"{BASE}?status=draft").body.decode()
    assert "event.created" in audit_actions()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Dit veld is verplicht."),
        ({"date": "18-09-2027"}, "date", "Vul een datum in als 2027-09-18."),
        ({"end": "13:00"}, "end", "De eindtijd moet na de begintijd liggen."),
        ({"capacity": ""}, "capacity", "Dit veld is verplicht."),  # never a silent default
        ({"capacity": "-1"}, "capacity", "Vul een heel getal in van 0 tot en met 5000."),
        ({"capacity": "veel"}, "capacity", "Vul een heel getal in van 0 tot en met 5000."),
        (
            {"registration_deadline": "2027-09-18T14:00"},
            "registration_deadline",
            "De aanmelddeadline moet vóór het begin van de bijeenkomst liggen.",
        ),
        ({"slug": "Met Spaties"}, "slug", "Alleen kleine letters"),
        ({"slug": "nieuw"}, "slug", "Alleen kleine letters"),
        ({"venue": "x\u202ey"}, "venue", "tekens die niet zijn toegestaan"),
    ],
)
def test_invalid_event_data_is_refused_with_the_input_kept(organiser, overrides, field, message):
    response = organiser.post(BASE, event_form(**overrides))
    body = response.body.decode()
    assert response.status_code == 422
    assert f'href="#veld-{field}"' in body
    assert message in body
    assert 'value="Stadhuis Dordrecht"' in body or field == "venue"  # the rest of the input is kept
    assert event_listings().all_for_organisers() == []


def test_a_slug_in_use_is_refused(organiser, make_event):
    make_event()
    response = organiser.post(BASE, event_form(slug=SLUG))
    assert response.status_code == 422
    assert "Er is al een bijeenkomst met dit webadres" in response.body.decode()


def test_capacity_below_the_confirmed_places_is_refused_with_an_explanation(organiser, make_event):
    make_event(capacity=3)
    for _ in range(2):
        registration.register(SLUG, registration_form(), "nl")
    form = event_form(capacity="1", version=version(SLUG))
    response = organiser.post(f"{BASE}/{SLUG}", form)
    assert response.status_code == 422
    assert "Bevestigde plaatsen nu: 2." in response.body.decode()
    assert present(event_store().get(SLUG)).capacity == 3
    # exactly the confirmed number is fine
    assert organiser.post(f"{BASE}/{SLUG}", event_form(capacity="2", version=version(SLUG))).status_code == 303
    assert present(event_store().get(SLUG)).capacity == 2


def test_editing_keeps_counters_and_programme_and_audits_what_changed(organiser, make_event):
    make_event()
    registration.register(SLUG, registration_form(), "nl")
    response = organiser.post(f"{BASE}/{SLUG}", event_form(title="Nieuwe titel", version=version(SLUG)))
    assert response.status_code == 303
    event = present(event_store().get(SLUG))
    assert (event.title, event.confirmed, len(event.programme)) == ("Nieuwe titel", 1, 3)
    entry = audit_store().month("2026-11", 50).items[0]
    assert entry.action == "event.updated"
    assert entry.actor == "org@zwijndrecht.nl"
    assert entry.before["title"] == "Netwerkbijeenkomst Maatschappelijk ongenoegen"
    assert entry.after["title"] == "Nieuwe titel"
    assert "confirmed" not in entry.after


def test_a_new_date_moves_reminders_and_members_lists_along(organiser, make_event):
    make_event()
    reg = registration.register(SLUG, registration_form(), "nl").registration
    form = event_form(title="Verplaatst", date="2027-04-01", registration_deadline="", version=version(SLUG))
    assert organiser.post(f"{BASE}/{SLUG}", form).status_code == 303
    # a member's own list shows the event as it is now, without the edit touching any registration
    [mine] = registration.of_person(reg.email)
    assert (mine.event_title, mine.event_date) == ("Verplaatst", "2027-04-01")
    # reminders and retention find events by date (GSI2)
    found = event_listings().with_personal_data(until="2027-04-02", since="2027-04-01")
    assert [e.slug for e in found] == [SLUG]
    assert event_listings().with_personal_data(until="2027-03-19", since="2027-03-18") == []


def test_a_stale_form_does_not_overwrite_another_organisers_change(organiser, make_event):
    make_event()
    seen = version(SLUG)
    assert organiser.post(f"{BASE}/{SLUG}", event_form(title="Eerste", version=seen)).status_code == 303
    response = organiser.post(f"{BASE}/{SLUG}", event_form(title="Tweede", version=seen))
    assert response.status_code == 409
    body = response.body.decode()
    assert "Iemand anders heeft deze bijeenkomst intussen gewijzigd" in body
    assert 'value="Tweede"' in body  # the input is kept, with the new version to save over it
    assert present(event_store().get(SLUG)).title == "Eerste"


def test_publish_unpublish_and_the_public_list(organiser, client):
    organiser.post(BASE, event_form())
    slug = "netwerkbijeenkomst-dordrecht"
    assert organiser.post(f"{BASE}/{slug}/status/publiceren", {"version": version(slug)}).status_code == 303
    assert slug in client.http.get("/events").body.decode()
    assert client.http.get(f"/events/{slug}").status_code == 200
    assert organiser.post(f"{BASE}/{slug}/status/depubliceren", {"version": version(slug)}).status_code == 303
    assert client.http.get(f"/events/{slug}").status_code == 404
    # publishing what is published already is refused, not repeated
    organiser.post(f"{BASE}/{slug}/status/publiceren", {"version": version(slug)})
    assert organiser.post(f"{BASE}/{slug}/status/publiceren", {"version": version(slug)}).status_code == 409
    assert {"event.published", "event.draft"} <= set(audit_actions())


def test_publishing_saves_what_was_typed_in_the_form_with_it(organiser, client):
    """The status buttons belong to the event's form: an edit typed there is published, not lost."""
    organiser.post(BASE, event_form())
    slug = "netwerkbijeenkomst-dordrecht"
    page = organiser.get(f"{BASE}/{slug}").body.decode()
    form = page.split('id="veld-version"', 1)[1].split("</form>", 1)[0]
    # inside the form, after its own button: Enter in a field saves, it never publishes
    assert form.index("Wijzigingen opslaan") < form.index('name="status" value="publiceren"')
    assert 'form="veld-version"' not in page
    assert f'action="{BASE}/{slug}/status/publiceren"' not in page

    typed = event_form(title="Netwerkbijeenkomst Dordrecht: nieuwe titel", version=version(slug))
    # the negative control: saved without the button, it stays a draft
    assert organiser.post(f"{BASE}/{slug}", {**typed, "title": "Alleen opgeslagen"}).status_code == 303
    assert present(event_store().get(slug)).status == "draft"
    response = organiser.post(f"{BASE}/{slug}", {**typed, "version": version(slug), "status": "publiceren"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"{BASE}/{slug}?opgeslagen=1&status=published"
    event = present(event_store().get(slug))
    assert (event.status, event.title) == ("published", "Netwerkbijeenkomst Dordrecht: nieuwe titel")
    assert "nieuwe titel" in client.http.get(f"/events/{slug}").body.decode()
    published = [e for e in audit_store().month("2026-11", 50).items if e.action == "event.published"]
    [entry] = [e for e in published if e.target == slug]
    assert entry.after["title"] == "Netwerkbijeenkomst Dordrecht: nieuwe titel"  # one write: edit and status

    # a typing error keeps both: nothing saved, nothing published
    response = organiser.post(
        f"{BASE}/{slug}", {**typed, "version": version(slug), "title": "", "status": "depubliceren"}
    )
    assert response.status_code == 422
    assert present(event_store().get(slug)).status == "published"
    # cancelling mails people: it is asked on a page of its own, never saved along
    cancel = organiser.post(f"{BASE}/{slug}", {**typed, "version": version(slug), "status": "annuleren"})
    assert cancel.status_code == 404
    assert present(event_store().get(slug)).status == "published"


def test_cancelling_mails_everyone_registered_or_waiting_and_closes_registration(organiser, make_event, visitor):
    make_event(capacity=1)
    nobody = organiser.get(f"{BASE}/{SLUG}/status/annuleren").body.decode()
    assert "Niemand is aangemeld of staat op de wachtlijst: er gaat geen e-mail uit." in nobody
    confirmed = registration.register(SLUG, registration_form(), "nl").registration
    waiting = registration.register(SLUG, registration_form(), "en").registration
    before = len(sent_mail())
    # the event page links to a question first: who will be mailed, and that it cannot be undone
    assert f'href="{BASE}/{SLUG}/status/annuleren"' in organiser.get(f"{BASE}/{SLUG}").body.decode()
    question = organiser.get(f"{BASE}/{SLUG}/status/annuleren").body.decode()
    assert "2 mensen die zijn aangemeld of op de wachtlijst staan, krijgen een e-mail" in question
    assert "Dit kan niet ongedaan worden gemaakt." in question
    assert f'action="{BASE}/{SLUG}/status/annuleren"' in question
    assert f'name="version" value="{version(SLUG)}"' in question
    assert len(sent_mail()) == before  # asking sends nothing
    response = organiser.post(f"{BASE}/{SLUG}/status/annuleren", {"version": version(SLUG)})
    assert response.status_code == 303
    assert "verzending=" in response.headers["Location"]
    deliver_mail()
    mails = sent_mail()[before:]
    assert {m.destinations["ToAddresses"][0] for m in mails} == {confirmed.email, waiting.email}
    assert {m.subject for m in mails} == {
        "Geannuleerd: Netwerkbijeenkomst Maatschappelijk ongenoegen",
        "Cancelled: Netwerkbijeenkomst Maatschappelijk ongenoegen",
    }
    assert visitor.post(f"/events/{SLUG}/aanmelden", registration_form()).status_code == 409
    assert "event.cancelled" in audit_actions()
    # a cancelled event is not asked about again
    assert organiser.get(f"{BASE}/{SLUG}/status/annuleren").headers["Location"] == f"{BASE}/{SLUG}"


# -- the programme editor ------------------------------------------------------


def add_slot(organiser: FormSession, slug: str, **form: str):
    return organiser.post(f"{BASE}/{slug}/programma", {"version": version(slug), **form})


def test_three_slots_are_added_edited_reordered_and_removed(organiser):
    organiser.post(BASE, event_form())
    slug = "netwerkbijeenkomst-dordrecht"
    assert add_slot(organiser, slug, start="13:15", end="", title="Inloop").status_code == 303
    assert (
        add_slot(organiser, slug, start="13:30", end="13:40", title="Welkom", speakers="Haan (Gemeente)").status_code
        == 303
    )
    assert add_slot(organiser, slug, start="13:40", end="14:20", title="Leernetwerk").status_code == 303
    programme = present(event_store().get(slug)).programme
    assert [s.title for s in programme] == ["Inloop", "Welkom", "Leernetwerk"]
    assert programme[1].speakers[0].name == "Haan"
    assert programme[1].speakers[0].organisation == "Gemeente"

    edit = {"version": version(slug), "start": "13:30", "end": "13:45", "title": "Welkomstwoord", "speakers": "Haan"}
    assert organiser.post(f"{BASE}/{slug}/programma/2", edit).status_code == 422  # now it overlaps Leernetwerk
    edit["end"] = "13:40"
    assert organiser.post(f"{BASE}/{slug}/programma/2", edit).status_code == 303
    assert organiser.post(f"{BASE}/{slug}/programma/3/omhoog", {"version": version(slug)}).status_code == 303
    assert [s.title for s in present(event_store().get(slug)).programme] == ["Inloop", "Leernetwerk", "Welkomstwoord"]
    assert organiser.post(f"{BASE}/{slug}/programma/1/verwijderen", {"version": version(slug)}).status_code == 303
    programme = present(event_store().get(slug)).programme
    # positions name slots for good (speakers and slides refer to them); the order is separate
    assert [(s.position, s.title) for s in programme] == [(3, "Leernetwerk"), (2, "Welkomstwoord")]
    assert {"programme.added", "programme.updated", "programme.moved", "programme.removed"} <= set(audit_actions())


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"start": "13:35", "end": "13:50", "title": "Botst"}, "Dit onderdeel overlapt met 13:30–13:40 Welkomstwoord."),
        ({"start": "14:00", "end": "13:50", "title": "Omgekeerd"}, "De eindtijd moet na de begintijd liggen."),
        (
            {"start": "12:00", "end": "12:30", "title": "Te vroeg"},
            "valt buiten de tijden van de bijeenkomst (13:15–17:00)",
        ),
        ({"start": "1330", "end": "", "title": "Tijd"}, "Vul een tijd in als 13:30."),
        (
            {"start": "15:00", "end": "15:10", "title": "Sprekers", "speakers": "Een (twee) (drie)"},
            "Naam (Organisatie)",
        ),
    ],
)
def test_invalid_slots_get_a_clear_message_with_the_input_kept(organiser, make_event, form, message):
    make_event()
    response = add_slot(organiser, SLUG, **form)
    body = response.body.decode()
    assert response.status_code == 422
    assert message in body
    assert f'value="{form["title"]}"' in body
    assert len(present(event_store().get(SLUG)).programme) == 3


def test_touching_slots_and_a_walk_in_moment_are_fine(organiser, make_event):
    make_event()
    # 13:40 starts where Welkomstwoord (13:30-13:40) ends
    assert add_slot(organiser, SLUG, start="13:40", end="13:55", title="Introductie").status_code == 303
    assert add_slot(organiser, SLUG, start="16:20", end="", title="Borrel").status_code == 303


def test_moving_the_first_slot_up_changes_nothing(organiser, make_event):
    make_event()
    before = version(SLUG)
    assert organiser.post(f"{BASE}/{SLUG}/programma/1/omhoog", {"version": before}).status_code == 303
    assert version(SLUG) == before


def test_unknown_events_slots_and_actions_are_404(organiser, make_event):
    make_event()
    assert organiser.get(f"{BASE}/bestaat-niet").status_code == 404
    assert organiser.get(f"{BASE}/{SLUG}/programma/9").status_code == 404
    assert organiser.get(f"{BASE}/{SLUG}/programma/abc").status_code == 404
    assert organiser.post(f"{BASE}/{SLUG}/programma/1/springen", {"version": version(SLUG)}).status_code == 404
    assert organiser.post(f"{BASE}/{SLUG}/status/verwijderen", {"version": version(SLUG)}).status_code == 404


def test_the_event_page_renders_the_description_as_sanitised_markdown(organiser, client):
    hostile = "**Vet** <script>alert(1)</script> [klik](javascript:alert(1))"
    organiser.post(BASE, event_form(description=hostile))
    slug = "netwerkbijeenkomst-dordrecht"
    organiser.post(f"{BASE}/{slug}/status/publiceren", {"version": version(slug)})
    body = client.http.get(f"/events/{slug}").body.decode()
    assert "<strong>Vet</strong>" in body
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert 'href="javascript' not in body


def test_the_description_is_rendered_when_saved_and_shown_as_stored(organiser, client, make_event):
    from chalicelib.audit.store import AuditChange

    organiser.post(BASE, event_form(description="**Vet** <script>alert(1)</script>"))
    slug = "netwerkbijeenkomst-dordrecht"
    stored = present(event_store().get(slug)).description_html
    assert stored == "<p><strong>Vet</strong> &lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    form = event_form(slug=slug, description="*Schuin*", version=version(slug))
    assert organiser.post(f"{BASE}/{slug}", form).status_code == 303
    assert present(event_store().get(slug)).description_html == "<p><em>Schuin</em></p>\n"  # it follows every edit
    assert (
        organiser.post(f"{BASE}/{slug}", event_form(slug=slug, description="", version=version(slug))).status_code
        == 303
    )
    assert present(event_store().get(slug)).description_html == ""  # and goes with it
    from chalicelib.core import clock

    logged = [e for e in audit_store().month(clock.now().strftime("%Y-%m"), 500).items if e.target == slug]
    assert any("description" in e.after for e in logged)
    assert not any("description_html" in {*e.before, *e.after} for e in logged)  # the log keeps the Markdown

    # the page shows what was stored, so it needs no Markdown parser ...
    make_event(slug="zo-opgeslagen", description="Anders")
    event = present(event_store().get("zo-opgeslagen"))
    assert event.description_html == "<p>Anders</p>\n"  # an import renders it too
    event.description_html = "<p>Zo opgeslagen</p><script>alert(1)</script>"
    event_store().update(event, AuditChange("tests", "event.updated", event.slug, {}, {}, "2026-01-01"), ())
    body = client.http.get("/events/zo-opgeslagen").body.decode()
    assert "<p>Zo opgeslagen</p>" in body
    assert "Anders" not in body
    assert "alert(1)" not in body  # stored HTML is cleaned again when shown
    assert "description_html" not in client.http.get("/api/v1/events/zo-opgeslagen").body.decode()


def test_speakers_slides_follow_the_publish_after_setting(organiser, make_event, visitor):
    from chalicelib.library import speakers
    from tests.support.library import PDF, upload_as_s3_would

    make_event(publish_slides_after=False)
    _speaker, url = speakers.invite(SLUG, (3,), "Annemarie van Hinsberg", "Movisie", "annemarie@movisie.nl")
    token = url.rsplit("/", 1)[1]
    key = upload_as_s3_would(visitor, token, PDF)
    slides = speakers.finish_upload(token, key)
    assert slides.status == "draft"
    form = event_form(date="2027-03-18", registration_deadline="", version=version(SLUG))
    assert organiser.post(f"{BASE}/{SLUG}", form).status_code == 303  # publish_slides_after: yes
    material = present(library_store().material(slides.id))
    assert material.status == "after_event"
    assert material.publish_from == present(event_store().get(SLUG)).ends_at


def test_only_an_empty_draft_can_be_deleted(organiser, make_event, client):
    organiser.post(BASE, event_form())
    slug = "netwerkbijeenkomst-dordrecht"
    add_slot(organiser, slug, start="13:15", end="13:30", title="Inloop")
    assert f'href="{BASE}/{slug}/verwijderen"' in organiser.get(f"{BASE}/{slug}").body.decode()
    question = organiser.get(f"{BASE}/{slug}/verwijderen").body.decode()
    assert "Het concept en zijn programma worden verwijderd." in question
    assert f'action="{BASE}/{slug}/verwijderen"' in question
    assert organiser.post(f"{BASE}/{slug}/verwijderen", {"version": version(slug)}).status_code == 303
    assert event_store().get(slug) is None
    assert client.http.get(f"/beheer/bijeenkomsten/{slug}/programma").status_code in (303, 404)
    assert "event.deleted" in audit_actions()

    make_event()  # published, with registrations possible
    response = organiser.post(f"{BASE}/{SLUG}/verwijderen", {"version": version(SLUG)})
    assert response.status_code == 409
    assert "Alleen een concept zonder aanmeldingen" in response.body.decode()
    assert event_store().get(SLUG) is not None
