"""The workspace's accounts (roles, trusted domains), organisers' documents, and the audit log."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from chalicelib.accounts.store import account_store
from chalicelib.audit.store import audit_store
from chalicelib.core import aws, config
from chalicelib.core.keys import email_key
from chalicelib.core.object_keys import document_object
from chalicelib.events.store import event_store
from chalicelib.library.store import library_store
from tests.support.accounts import last_link, make_account, sign_in
from tests.support.aws import deliver_index
from tests.support.library import PDF, s3_objects
from tests.support.stored import present
from tests.support.web import FormSession, upload_through_page

SLUG = "netwerkbijeenkomst-test"


@pytest.fixture
def organiser(client, make_event) -> FormSession:
    make_event()
    make_account("org@zwijndrecht.nl", access="organiser")
    return sign_in(FormSession(client), "org@zwijndrecht.nl")


def audit_actions() -> list[str]:
    return [e.action for e in audit_store().month("2026-11", 500).items]


# -- roles -------------------------------------------------------------------------


def test_an_organiser_makes_a_member_organiser_and_back(organiser, client):
    make_account("lid@rotterdam.nl")
    key = email_key("lid@rotterdam.nl")
    person = sign_in(FormSession(client), "lid@rotterdam.nl")
    assert person.get("/beheer").status_code == 403
    assert organiser.post(f"/beheer/accounts/{key}/rol", {"access": "organiser"}).status_code == 303
    # a new role ends the person's sessions: they sign in again, and have it
    assert person.get("/beheer").status_code == 303
    assert sign_in(person, "lid@rotterdam.nl").get("/beheer").status_code == 200
    assert organiser.post(f"/beheer/accounts/{key}/rol", {"access": "organiser"}).status_code == 409
    assert organiser.post(f"/beheer/accounts/{key}/rol", {"access": "member"}).status_code == 303
    assert person.get("/beheer").status_code == 303
    assert sign_in(person, "lid@rotterdam.nl").get("/beheer").status_code == 403
    assert organiser.post(f"/beheer/accounts/{key}/rol", {"access": "admin"}).status_code == 404
    assert {"account.organiser", "account.member"} <= set(audit_actions())


def test_organisers_cannot_change_their_own_role(organiser):
    own = email_key("org@zwijndrecht.nl")
    response = organiser.post(f"/beheer/accounts/{own}/rol", {"access": "member"})
    assert response.status_code == 409
    assert present(account_store().get("org@zwijndrecht.nl")).access == "organiser"


# -- the newsletter ------------------------------------------------------------------


def test_an_organiser_sends_the_newsletter_to_subscribers_only(organiser):
    from tests.support.aws import deliver_mail, sent_mail

    make_account("abonnee@rotterdam.nl", newsletter="yes")
    make_account("geen-abonnee@rotterdam.nl")
    assert "Er zijn 1 abonnees" in organiser.get("/beheer/nieuwsbrief").body.decode()
    refused = organiser.post("/beheer/nieuwsbrief", {"subject": "November", "body": "Nieuws."})
    assert refused.status_code == 422
    assert "Bevestig dat het bericht naar alle abonnees mag." in refused.body.decode()
    assert 'value="November"' in refused.body.decode()
    before = len(sent_mail())
    form = {"subject": "November", "body": "Nieuws uit het netwerk.", "confirm": "yes"}
    response = organiser.post("/beheer/nieuwsbrief", form)
    job_page = response.headers["Location"]
    assert job_page.startswith("/beheer/verzendingen/")
    assert sent_mail()[before:] == []  # the request only queued it
    deliver_mail()
    assert "1</span> verstuurd" in organiser.get(job_page).body.decode()
    [mail] = sent_mail()[before:]
    assert mail.destinations["ToAddresses"] == ["abonnee@rotterdam.nl"]
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in mail.raw
    entry = next(e for e in audit_store().month("2026-11", 50).items if e.action == "newsletter.sent")
    assert entry.after == {"job": job_page.rsplit("/", 1)[1], "kind": "newsletter", "subject": "November"}


# -- trusted domains ---------------------------------------------------------------


def test_a_domain_added_by_an_organiser_approves_requests_at_once(organiser, client):
    assert organiser.post("/beheer/domeinen", {"domain": "@Ridderkerk.nl"}).status_code == 303
    assert "ridderkerk.nl" in organiser.get("/beheer/domeinen").body.decode()
    visitor = FormSession(client)
    request = {
        "name": "Sam",
        "email": "sam@ridderkerk.nl",
        "organisation": "Gemeente Ridderkerk",
        "job": "Beleidsadviseur",
        "reason": "Netwerk",
    }
    visitor.post("/account/aanvragen", request)
    visitor.post(f"/account/bevestigen/{last_link('sam@ridderkerk.nl', '/account/bevestigen')}", {})
    assert present(account_store().get("sam@ridderkerk.nl")).status == "approved"
    # subdomains count, look-alikes do not
    from chalicelib.accounts import service as accounts

    assert accounts.is_trusted("a@wijk.ridderkerk.nl")
    assert not accounts.is_trusted("a@ridderkerk.nl.evil.com")

    assert organiser.post("/beheer/domeinen/verwijderen", {"domain": "ridderkerk.nl"}).status_code == 303
    assert not accounts.is_trusted("sam@ridderkerk.nl")
    assert {"domain.added", "domain.removed"} <= set(audit_actions())


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        ("", "Vul een domeinnaam in"),
        ("geen domein", "Vul een domeinnaam in"),
        ("<script>.nl", "Vul een domeinnaam in"),
        ("localhost", "Vul een domeinnaam in"),
    ],
)
def test_bad_domains_are_refused(organiser, domain, message):
    response = organiser.post("/beheer/domeinen", {"domain": domain})
    assert response.status_code == 422
    assert message in response.body.decode()
    assert account_store().trusted_domains() == []


def test_a_domain_twice_is_refused(organiser):
    organiser.post("/beheer/domeinen", {"domain": "ridderkerk.nl"})
    response = organiser.post("/beheer/domeinen", {"domain": "ridderkerk.nl"})
    assert response.status_code == 422
    assert "Dit domein staat al in de lijst." in response.body.decode()


# -- organisers' documents -----------------------------------------------------------


def upload_document(organiser: FormSession, event: str = "") -> str:
    """Upload with the form on the page, as the browser sends it to S3, and come back."""
    page = organiser.get("/beheer/documenten/nieuw")
    assert page.status_code == 200
    title = present(event_store().get(event)).title if event else "Geen"
    key = upload_through_page(page.body.decode(), PDF, "Handreiking polarisatie.pdf", choice=title)
    response = organiser.get(f"/beheer/documenten/klaar?key={quote(key)}")
    assert response.status_code == 303, response.body
    return response.headers["Location"].split("/")[3].split("?")[0]


def test_an_uploaded_document_is_a_draft_for_organisers_until_described(organiser, client):
    material_id = upload_document(organiser)
    material = present(library_store().material(material_id))
    assert (material.status, material.access, material.title) == ("draft", "organisers", "Handreiking polarisatie")
    assert material_id not in client.http.get("/kennisbank").body.decode()

    form = {"title": "Handreiking", "description": "Voor gemeenten.", "access": "public", "status": "published"}
    assert organiser.post(f"/beheer/materialen/{material_id}", {**form, "theme_0": "yes"}).status_code == 303
    material = present(library_store().material(material_id))
    assert (material.title, material.access, material.status, material.themes) == (
        "Handreiking",
        "public",
        "published",
        ("polarisatie",),
    )
    deliver_index()  # the index worker takes the change in
    assert "Handreiking" in client.http.get("/kennisbank").body.decode()
    entry = next(e for e in audit_store().month("2026-11", 50).items if e.action == "material.updated")
    assert entry.before["access"] == "organisers"
    assert entry.after["access"] == "public"


def test_a_key_naming_an_existing_material_or_an_unknown_event_is_no_new_document(organiser):
    """The form is signed for all of documents/: what a browser writes there is checked against what
    exists before anything is kept."""
    material_id = upload_document(organiser)
    material = present(library_store().material(material_id))
    for key in (document_object(material_id, "b" * 16), document_object(f"bestaat-niet.{'c' * 12}", "d" * 16)):
        aws.s3().put_object(Bucket=config.bucket_name(), Key=key, Body=PDF, ContentType="application/octet-stream")
        assert organiser.get(f"/beheer/documenten/klaar?key={quote(key)}").status_code == 404, key
    assert library_store().all_materials() == [material]
    assert [k for k, _ in s3_objects()] == [material.object_key]
    # negative control: the browser coming back with the kept key finds its document
    assert organiser.get(f"/beheer/documenten/klaar?key={quote(material.object_key)}").status_code == 303


def test_a_wrong_file_is_rejected_and_removed(organiser):
    key = upload_through_page(organiser.get("/beheer/documenten/nieuw").body.decode(), b"MZ\x90", "x.pdf")
    response = organiser.get(f"/beheer/documenten/klaar?key={quote(key)}")
    assert response.status_code == 422
    assert "Dit is geen PDF, PowerPoint (pptx)" in response.body.decode()
    assert "Document uploaden" in response.body.decode()  # the form again, to choose another file
    assert s3_objects() == []
    assert library_store().all_materials() == []


def test_keys_the_server_did_not_make_are_refused(organiser):
    for key in ("uploads/x/y.pdf", "documents/../../etc/passwd", "documents/_.0000/0000.pdf"):
        assert organiser.get(f"/beheer/documenten/klaar?key={quote(key)}").status_code == 404


def test_bad_metadata_is_refused_with_the_input_kept(organiser):
    material_id = upload_document(organiser)
    response = organiser.post(
        f"/beheer/materialen/{material_id}",
        {"title": "Nieuwe titel", "access": "iedereen", "status": "after_event"},  # no event: no 'after the event'
    )
    body = response.body.decode()
    assert response.status_code == 422
    assert "Kies wie het materiaal mag openen." in body
    assert "Kies wanneer het materiaal zichtbaar wordt." in body
    assert 'value="Nieuwe titel"' in body


def test_a_document_for_an_event_can_be_for_its_attendees(organiser):
    material_id = upload_document(organiser, event=SLUG)
    assert material_id.startswith(f"{SLUG}.")
    form = {"title": "Verslag", "access": "attendees", "status": "after_event"}
    assert organiser.post(f"/beheer/materialen/{material_id}", form).status_code == 303
    material = present(library_store().material(material_id))
    assert material.event_slug == SLUG
    assert material.publish_from is not None


def test_removing_material_removes_every_version_of_the_file(organiser):
    material_id = upload_document(organiser)
    assert len(s3_objects()) == 1
    assert organiser.post(f"/beheer/materialen/{material_id}/verwijderen", {}).status_code == 303
    assert library_store().material(material_id) is None
    assert s3_objects() == []
    assert "material.removed" in audit_actions()


# -- the audit log -----------------------------------------------------------------


def test_the_audit_log_pages_a_month_at_a_time(organiser):
    for i in range(55):
        organiser.post("/beheer/domeinen", {"domain": f"gemeente{i}.nl"})
    first = organiser.get("/beheer/logboek").body.decode()
    assert first.count("domain.added") == 50
    assert "gemeente54.nl" in first  # newest first
    cursor = first.split("na=")[1].split('"')[0]
    second = organiser.get(f"/beheer/logboek?maand=2026-11&na={cursor}").body.decode()
    assert second.count("domain.added") == 5
    assert "gemeente0.nl" in second
    assert "Geen wijzigingen in deze maand." in organiser.get("/beheer/logboek?maand=2026-01").body.decode()
    assert organiser.get("/beheer/logboek?maand=2026-13").status_code == 400
    assert organiser.get("/beheer/logboek?maand=2026-11&na=%3Cscript%3E").status_code == 400
    assert organiser.get(f"/beheer/logboek?maand=2026-10&na={cursor}").status_code == 400  # made for November


def test_every_kind_of_organiser_change_is_audited(organiser, client):
    """One of each change an organiser can make, then the log holds one entry per kind."""
    from chalicelib.registrations import service as registration
    from tests.support.events import event_form
    from tests.support.factories import registration_form

    def register():
        return registration.register(SLUG, registration_form(), "nl").registration

    base = f"/beheer/bijeenkomsten/{SLUG}"

    def version() -> str:
        return str(present(event_store().get(SLUG)).version)

    organiser.post("/beheer/bijeenkomsten", event_form())
    organiser.post(base, event_form(version=version(), capacity="3"))
    organiser.post(f"{base}/programma", {"version": version(), "start": "15:00", "end": "15:10", "title": "Pauze"})
    organiser.post(f"{base}/programma/4", {"version": version(), "start": "15:00", "end": "15:15", "title": "Pauze"})
    organiser.post(f"{base}/programma/4/omhoog", {"version": version()})
    organiser.post(f"{base}/programma/4/verwijderen", {"version": version()})
    people = [register() for _ in range(5)]  # 3 seats, 2 waiting
    organiser.post(f"{base}/inchecken/openen", {})  # weeks before the day: only once an organiser confirms
    organiser.post(f"{base}/aanmeldingen/{people[0].key}/aanwezig", {})
    organiser.post(f"{base}/aanmeldingen/{people[0].key}/afwezig", {})
    organiser.post(f"{base}/aanmeldingen/{people[1].key}/annuleren", {})  # the seat goes to people[3]
    organiser.post(base, event_form(version=version(), capacity="4"))
    organiser.post(f"{base}/aanmeldingen/{people[4].key}/promoveren", {})
    organiser.post(f"{base}/bericht", {"subject": "Info", "body": "Tot dan."})
    organiser.post(f"{base}/sprekers", {"name": "A", "email": "a@movisie.nl", "slot_1": "yes"})
    [speaker] = library_store().speakers_of(SLUG)
    organiser.post(f"{base}/sprekers/{speaker.id}/opnieuw", {})
    organiser.post(f"{base}/sprekers/{speaker.id}/intrekken", {})
    member = email_key(make_account("lid@rotterdam.nl").email)
    organiser.post(f"/beheer/accounts/{member}/rol", {"access": "organiser"})
    organiser.post(f"/beheer/accounts/{member}/disabled", {})
    organiser.post("/beheer/domeinen", {"domain": "ridderkerk.nl"})
    organiser.post("/beheer/domeinen/verwijderen", {"domain": "ridderkerk.nl"})
    material_id = upload_document(organiser)
    organiser.post(f"/beheer/materialen/{material_id}", {"title": "T", "access": "members", "status": "draft"})
    organiser.post(f"/beheer/materialen/{material_id}/publiceren", {})
    organiser.post(f"/beheer/materialen/{material_id}/verwijderen", {})
    organiser.post("/beheer/nieuws", {"title": "Bericht", "body": "Tekst", "published_at": ""})
    organiser.post("/beheer/nieuws/bericht", {"title": "Bericht", "body": "Nieuwe tekst", "published_at": ""})
    organiser.post("/beheer/nieuws/bericht/verwijderen", {})
    organiser.post("/beheer/nieuwsbrief", {"subject": "Nieuwsbrief", "body": "Tekst", "confirm": "yes"})
    for action in ("depubliceren", "publiceren", "annuleren"):
        organiser.post(f"{base}/status/{action}", {"version": version()})

    expected = {
        "event.created",
        "event.updated",
        "event.draft",
        "event.published",
        "event.cancelled",
        "event.messaged",
        "event.check_in_opened",
        "programme.added",
        "programme.updated",
        "programme.moved",
        "programme.removed",
        "registration.attended",
        "registration.not_attended",
        "registration.cancelled",
        "registration.promoted",
        "speaker.invited",
        "speaker.resent",
        "speaker.revoked",
        "account.organiser",
        "account.disabled",
        "domain.added",
        "domain.removed",
        "material.uploaded",
        "material.updated",
        "material.published",
        "material.removed",
        "news.created",
        "news.updated",
        "news.deleted",
        "newsletter.sent",
    }
    entries = audit_store().month("2026-11", 500).items
    by_organiser = {e.action for e in entries if e.actor == "org@zwijndrecht.nl"}
    assert expected <= by_organiser, expected - by_organiser
    page = organiser.get("/beheer/logboek").body.decode()
    assert all(action in page for action in expected)


def test_the_accounts_list_names_each_account_by_the_hash_of_its_address(organiser):
    """The forms post to /beheer/accounts/{hash}/…: never a table key, never the address."""
    make_account("wacht@elders.nl", status="pending")
    page = organiser.get("/beheer/accounts").body.decode()
    assert f'action="/beheer/accounts/{email_key("wacht@elders.nl")}/approved"' in page
    assert "#" not in "".join(re.findall(r'action="([^"]*)"', page))
