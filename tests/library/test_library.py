"""Speakers' uploads and the knowledge library, against moto's S3 and DynamoDB (mock_aws)."""

from __future__ import annotations

import base64
import email
import json
from datetime import datetime, timedelta

import pytest

from chalicelib.core import aws, clock, config
from chalicelib.core.errors import LinkInvalid, NotFound
from chalicelib.core.keys import scoped_object
from chalicelib.core.object_keys import incoming, uploads_prefix
from chalicelib.events.store import event_store
from chalicelib.library import materials, speakers
from chalicelib.library import service as library
from chalicelib.library.model import MaterialAccess, MaterialStatus
from chalicelib.library.store import library_store
from tests.support.accounts import make_account, sign_in
from tests.support.aws import deliver_index, sent_mail
from tests.support.documents import docx, odp, pdf, pptx
from tests.support.factories import registration_form
from tests.support.library import kept_at, put_material, s3_objects, upload_as_s3_would
from tests.support.stored import present
from tests.support.web import FormSession, upload_through_page

SLUG = "netwerkbijeenkomst-test"
PDF = pdf("Polarisatie in de wijk")
DOCX, PPTX, ODP = docx(), pptx(), odp()
EXE = b"MZ\x90\x00\x03" + b"\x00" * 200


@pytest.fixture
def speaker(make_event):
    make_event()
    _speaker, url = speakers.invite(SLUG, (3,), "Annemarie van Hinsberg", "Movisie", "annemarie@movisie.nl")
    return url.rsplit("/", 1)[1]


def test_the_invitation_names_what_the_speaker_speaks_at(make_event):
    make_event()
    speakers.invite(SLUG, (2, 3), "Burgemeester Haan", "Gemeente", "haan@zwijndrecht.nl")
    (invitation,) = sent_mail()
    text = next(
        bytes(p.get_payload(decode=True)).decode().replace("\r\n", "\n")
        for p in email.message_from_string(invitation.raw).walk()
        if p.get_content_type() == "text/plain"
    )
    assert "U spreekt op donderdag 18 maart 2027 bij:\n- 13:30–13:40 Welkomstwoord\n- 13:55–14:35 Leernetwerk" in text
    assert "<li>13:55–14:35 Leernetwerk Polarisatie</li>" in invitation.body
    assert "Inloop met koffie en thee" not in text + invitation.body  # nor what they do not speak at


# -- the presigned POST ----------------------------------------------------------


def test_presigned_post_policy_fixes_key_prefix_size_and_expiry(speaker, now):
    view = speakers.open_link(speaker)
    form = speakers.upload_form(speaker, view)
    for fields, return_condition in (
        (form.plain, "success_action_redirect"),
        (form.scripted, "success_action_status"),
    ):
        policy = json.loads(base64.b64decode(fields["policy"]))
        conditions = policy["conditions"]
        assert {"bucket": config.bucket_name()} in conditions
        # the speaker's own prefix, chosen by the server; the form offers one key per slot under it
        assert ["starts-with", "$key", incoming(uploads_prefix(SLUG, view.speaker.id))] in conditions
        assert ["content-length-range", 1, 50 * 1024 * 1024] in conditions
        assert {"Content-Type": "application/octet-stream"} in conditions  # the type is read from the content
        assert ["starts-with", "$x-amz-meta-filename", ""] in conditions
        assert any(return_condition in c for c in conditions if isinstance(c, dict))
        expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
        assert timedelta(minutes=59) < expires - datetime.now(expires.tzinfo) <= timedelta(minutes=60)
        assert "key" not in fields  # the form's choice
    [target] = form.targets
    # it lands under incoming/, where it waits for the check; what passes is kept at the same key without it
    assert target.key.startswith(f"{incoming(uploads_prefix(SLUG, view.speaker.id))}{SLUG}.")
    assert target.key.split("/")[7] == "3"  # the slot
    assert "Annemarie" not in target.key
    assert form.plain["success_action_redirect"] == f"http://127.0.0.1:8000/spreker/{speaker}/klaar"


def test_the_speaker_page_offers_only_their_own_slots_and_no_type_to_choose(speaker, visitor):
    page = visitor.get(f"/spreker/{speaker}")
    body = page.body.decode()
    assert f'name="key" value="{incoming(scoped_object("uploads/"))}' in body  # one slot: no choice to make
    assert "Soort bestand" not in body
    assert 'accept=".pdf,.pptx,.odp,.docx' in body
    _two, url = speakers.invite(SLUG, (1, 3), "Burgemeester Haan", "Gemeente", "haan@zwijndrecht.nl")
    both = visitor.get(url.removeprefix("http://127.0.0.1:8000")).body.decode()
    assert '<label for="veld-key">Onderdeel</label>' in both
    slots = {s.position: s for s in present(event_store().get(SLUG)).programme}
    for position in (1, 3):
        upload_through_page(both, PDF, choice=f"{slots[position].start} {slots[position].title}")
    assert both.count(f'<option value="{incoming(scoped_object("uploads/"))}') == 2
    # the page's form goes straight to S3, which its policy allows
    assert (
        "form-action 'self' https://network-portal-local.s3.amazonaws.com;" in page.headers["Content-Security-Policy"]
    )


# -- verification when the upload is reported done ----------------------------------


def test_a_good_pdf_becomes_draft_material_with_a_clean_name(speaker, visitor):
    key = upload_as_s3_would(visitor, speaker, PDF, "Mijn dia's (v2) ë.pdf")
    response = visitor.get(f"/spreker/{speaker}/klaar?key={key}")
    assert response.status_code == 303
    page = visitor.get(f"/spreker/{speaker}?opgeslagen=1").body.decode()
    assert "Uw bestand is opgeslagen." in page
    [material] = [m for m in library_store().all_materials()]
    assert (material.filename, material.status, material.title, material.file_type) == (
        "Mijn-dia-s-v2-e.pdf",
        "draft",
        "Leernetwerk Polarisatie",
        "pdf",
    )
    assert (material.speaker_name, material.speaker_organisation) == ("Annemarie van Hinsberg", "Movisie")


def test_published_slides_name_their_speaker_and_organisation(speaker, visitor, client):
    key = upload_as_s3_would(visitor, speaker, PDF)
    assert visitor.get(f"/spreker/{speaker}/klaar?key={key}").status_code == 303
    [material] = library_store().all_materials()
    material.status, material.access = MaterialStatus.PUBLISHED, MaterialAccess.PUBLIC
    materials.save(material)
    deliver_index()
    for path in ("/kennisbank", f"/events/{SLUG}", "/kennisbank?q=Hinsberg"):
        assert "Annemarie van Hinsberg, Movisie" in client.http.get(path).body.decode(), path


@pytest.mark.parametrize(
    ("name", "content", "found", "filename"),
    [
        ("Dia's.pdf", DOCX, "docx", "Dia-s.docx"),  # a wrong name: the content decides
        ("Dia's", PPTX, "pptx", "Dia-s.pptx"),  # no extension at all
        ("Dia's.odp", ODP, "odp", "Dia-s.odp"),
    ],
)
def test_the_type_is_read_from_the_file_not_its_name(speaker, visitor, name, content, found, filename):
    key = upload_as_s3_would(visitor, speaker, content, name)
    assert visitor.get(f"/spreker/{speaker}/klaar?key={key}").status_code == 303
    [material] = library_store().all_materials()
    assert (material.file_type, material.filename) == (found, filename)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (EXE, "Dit is geen PDF, PowerPoint (pptx), OpenDocument-presentatie (odp) of Word (docx)."),
        (PDF[:-20], "Het bestand lijkt een PDF-bestand, maar is beschadigd of niet te openen."),  # cut short
        (b"PK\x03\x04" + b"\x00" * 100 + b"word/document.xml", "lijkt een Word-bestand, maar is beschadigd"),
    ],
)
def test_wrong_files_are_rejected_and_removed(speaker, visitor, content, message):
    key = upload_as_s3_would(visitor, speaker, content, "x.pdf")
    response = visitor.get(f"/spreker/{speaker}/klaar?key={key}")
    assert response.status_code == 422
    assert message in response.body.decode()
    assert s3_objects() == []
    assert library_store().all_materials() == []


def test_the_declared_type_of_an_upload_counts_for_nothing(speaker, visitor):
    key = upload_through_page(
        visitor.get(f"/spreker/{speaker}").body.decode(), EXE, "x.pdf", content_type="application/pdf"
    )
    assert visitor.get(f"/spreker/{speaker}/klaar?key={key}").status_code == 422
    key = upload_through_page(visitor.get(f"/spreker/{speaker}").body.decode(), PDF, "x.pdf", content_type="text/html")
    assert visitor.get(f"/spreker/{speaker}/klaar?key={key}").status_code == 303


def test_an_object_over_the_size_limit_is_rejected_and_removed(speaker, visitor, monkeypatch):
    key = upload_as_s3_would(visitor, speaker, PDF + b"x" * 2000)
    monkeypatch.setattr("chalicelib.core.config.upload_max_bytes", lambda: 1024)
    response = visitor.get(f"/spreker/{speaker}/klaar?key={key}")
    assert response.status_code == 422
    assert "Het bestand is te groot" in response.body.decode()
    assert s3_objects() == []


def test_keys_that_are_not_this_speakers_are_refused(speaker, visitor, make_event):
    _other, other_url = speakers.invite(SLUG, (2,), "Burgemeester Haan", "Gemeente", "haan@zwijndrecht.nl")
    other = other_url.rsplit("/", 1)[1]
    key = upload_as_s3_would(visitor, other, PDF)
    assert visitor.get(f"/spreker/{speaker}/klaar?key={key}").status_code == 404
    assert visitor.get(f"/spreker/{speaker}/klaar?key=../../etc/passwd").status_code == 404


def test_a_speaker_cannot_add_files_or_move_one_by_writing_their_own_material_id(speaker, visitor):
    """The form is signed for the speaker's whole prefix, so they can send any key under it: one that
    names a second material for a slot, or their file under another slot, is refused and removed."""
    _two, url = speakers.invite(SLUG, (2, 3), "Burgemeester Haan", "Gemeente", "haan@zwijndrecht.nl")
    token = url.rsplit("/", 1)[1]
    page = visitor.get(f"/spreker/{token}").body.decode()
    first = upload_through_page(page, PDF, choice="Leernetwerk")
    assert visitor.get(f"/spreker/{token}/klaar?key={first}").status_code == 303
    [material] = library_store().all_materials()
    prefix, material_id, _slot, random = first.rsplit("/", 3)
    invented = f"{prefix}/{SLUG}.{'a' * 12}/3/{random}"  # a second file for slot 3
    moved = f"{prefix}/{material_id}/2/{random}"  # slot 3's file, under slot 2
    for key in (invented, moved):
        aws.s3().put_object(Bucket=config.bucket_name(), Key=key, Body=PDF, ContentType="application/octet-stream")
        assert visitor.get(f"/spreker/{token}/klaar?key={key}").status_code == 404, key
    assert library_store().all_materials() == [material]
    assert [k for k, _ in s3_objects()] == [kept_at(first)]  # the refused objects are gone
    # negative control: the key the page offers for slot 2 is taken
    second = upload_through_page(visitor.get(f"/spreker/{token}").body.decode(), PDF, choice="Welkomstwoord")
    assert visitor.get(f"/spreker/{token}/klaar?key={second}").status_code == 303
    assert len(library_store().all_materials()) == 2


def test_replace_and_remove_own_file_but_not_someone_elses(speaker, visitor):
    first = upload_as_s3_would(visitor, speaker, PDF)
    visitor.get(f"/spreker/{speaker}/klaar?key={first}")
    second = upload_as_s3_would(visitor, speaker, PDF + b"%v2")
    visitor.get(f"/spreker/{speaker}/klaar?key={second}")
    [material] = library_store().all_materials()
    assert material.object_key == kept_at(second)
    assert [k for k, _ in s3_objects()] == [kept_at(second)]

    _other, other_url = speakers.invite(SLUG, (2,), "Burgemeester Haan", "Gemeente", "haan@zwijndrecht.nl")
    other = other_url.rsplit("/", 1)[1]
    assert visitor.post(f"/spreker/{other}/bestanden/{material.id}/verwijderen", {}).status_code == 404
    assert visitor.get(f"/spreker/{other}/bestanden/{material.id}/verwijderen").status_code == 404
    # the page's button leads to a question first; asking removes nothing
    remove = f"/spreker/{speaker}/bestanden/{material.id}/verwijderen"
    page = visitor.get(f"/spreker/{speaker}").body.decode()
    assert f'href="{remove}"' in page
    assert f'action="{remove}"' not in page
    question = visitor.get(remove).body.decode()
    assert f"<h1>{material.filename} verwijderen?</h1>" in question
    assert "Leernetwerk Polarisatie" in question  # the part it is for
    assert f'action="{remove}"' in question
    assert library_store().all_materials() == [material]
    response = visitor.post(remove, {})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/spreker/{speaker}?verwijderd=3"
    assert library_store().all_materials() == []
    assert s3_objects() == []
    # the page then says so, naming the part from the speaker's own programme, never from the address
    removed = "Het bestand voor ‘Leernetwerk Polarisatie’ is verwijderd."
    assert removed in visitor.get(response.headers["Location"]).body.decode()
    assert "is verwijderd" not in visitor.get(f"/spreker/{speaker}?verwijderd=2").body.decode()


def test_the_link_is_refused_once_expired_or_revoked(speaker, visitor, now):
    assert visitor.get(f"/spreker/{speaker}").status_code == 200
    now["value"] = datetime(2027, 3, 18, 17, 0, tzinfo=clock.now().tzinfo) + timedelta(days=30, minutes=1)
    assert visitor.get(f"/spreker/{speaker}").status_code == 410
    now["value"] = datetime(2027, 3, 1, tzinfo=clock.now().tzinfo)
    assert speakers.revoke(SLUG, "ANNEMARIE@movisie.nl") == 1
    with pytest.raises(LinkInvalid):
        speakers.open_link(speaker)
    assert visitor.get(f"/spreker/{'x' * 43}").status_code == 410


def test_invitation_mail_carries_the_private_link(speaker):
    from tests.support.aws import sent_mail

    mail = sent_mail()[-1]
    assert mail.destinations["ToAddresses"] == ["annemarie@movisie.nl"]
    assert f"/spreker/{speaker}" in mail.body


# -- the library: access ---------------------------------------------------------


@pytest.fixture
def personas(make_event, client):
    make_event()
    levels = {level: put_material(level) for level in ("public", "members", "attendees", "organisers")}
    make_account("lid@rotterdam.nl")
    make_account("deelnemer@rotterdam.nl")
    make_account("org@zwijndrecht.nl", access="organiser")
    FormSession(client).post(f"/events/{SLUG}/aanmelden", registration_form(email="deelnemer@rotterdam.nl"))
    people = {
        "anonymous": FormSession(client),
        "member": sign_in(FormSession(client), "lid@rotterdam.nl"),
        "attendee": sign_in(FormSession(client), "deelnemer@rotterdam.nl"),
        "organiser": sign_in(FormSession(client), "org@zwijndrecht.nl"),
    }
    return levels, people


ACCESS = {  # who may open which level
    "anonymous": {"public"},
    "member": {"public", "members"},
    "attendee": {"public", "members", "attendees"},
    "organiser": {"public", "members", "attendees", "organisers"},
}


@pytest.mark.parametrize("who", list(ACCESS))
def test_access_matrix_for_listing_event_page_and_download(personas, who):
    levels, people = personas
    person = people[who]
    listing = person.get("/kennisbank").body.decode()
    event_page = person.get(f"/events/{SLUG}").body.decode()
    for level, material in levels.items():
        allowed = level in ACCESS[who]
        assert (material.title in listing) is allowed, (who, level, "listing")
        assert (material.title in event_page) is allowed, (who, level, "event page")
        response = person.get(f"/kennisbank/{material.id}/download")
        sign_in_first = f"/inloggen?next=/kennisbank/{material.id}/download"
        if allowed:
            assert response.status_code == 303, (who, level, "download")
            assert response.headers["Location"] != sign_in_first, (who, level, "download")
        elif who == "anonymous":  # perhaps a member following a mailed link: sign in, then the file
            assert (response.status_code, response.headers["Location"]) == (303, sign_in_first), (who, level)
        else:
            assert response.status_code == 404, (who, level, "download")


def test_a_member_who_did_not_attend_does_not_get_attendee_material(personas):
    levels, people = personas
    assert people["member"].get(f"/kennisbank/{levels['attendees'].id}/download").status_code == 404


def test_download_is_a_five_minute_attachment_url_and_is_audited(personas):
    levels, people = personas
    response = people["member"].get(f"/kennisbank/{levels['members'].id}/download")
    url = response.headers["Location"]
    assert "response-content-disposition=attachment" in url
    assert "X-Amz-Expires=300" in url
    downloads = library_store().downloads(levels["members"].id)
    assert [d["who"] for d in downloads] == ["lid@rotterdam.nl"]

    people["anonymous"].get(f"/kennisbank/{levels['members'].id}/download")  # refused: no record
    assert len(library_store().downloads(levels["members"].id)) == 1


def test_organisers_see_downloads_of_each_material(personas):
    levels, people = personas
    people["member"].get(f"/kennisbank/{levels['public'].id}/download")
    page = people["organiser"].get(f"/beheer/materialen/{levels['public'].id}/downloads").body.decode()
    assert "lid@rotterdam.nl" in page
    assert "1 keer gedownload." in page


def test_drafts_are_hidden_until_an_organiser_publishes_them(make_event, client):
    make_event()
    draft = put_material("public", status="draft", title="Conceptdia's")
    assert "Conceptdia" not in FormSession(client).get("/kennisbank").body.decode()
    make_account("org@zwijndrecht.nl", access="organiser")
    organiser = sign_in(FormSession(client), "org@zwijndrecht.nl")
    assert "Conceptdia" in organiser.get("/beheer/materialen").body.decode()
    organiser.post(f"/beheer/materialen/{draft.id}/publiceren", {})
    deliver_index()
    assert "Conceptdia" in FormSession(client).get("/kennisbank").body.decode()


def test_slides_set_to_publish_after_the_event_appear_once_it_is_over(make_event, client, now):
    event = make_event()
    put_material("public", status="after_event", title="Na afloop", publish_from=event.ends_at)
    assert "Na afloop" not in FormSession(client).get("/kennisbank").body.decode()
    now["value"] = event.ends_at + timedelta(minutes=1)
    assert "Na afloop" in FormSession(client).get("/kennisbank").body.decode()


def test_filters_search_and_pages(make_event, client):
    make_event()
    put_material("public", title="Handreiking radicalisering", themes=("radicalisering",), description="Voor gemeenten")
    put_material("public", title="Verslag polarisatie", themes=("polarisatie",))
    visitor = FormSession(client)
    assert "Handreiking" in visitor.get("/kennisbank?thema=radicalisering").body.decode()
    assert "Verslag polarisatie" not in visitor.get("/kennisbank?thema=radicalisering").body.decode()
    assert "Handreiking" in visitor.get("/kennisbank?q=gemeenten").body.decode()
    assert "Handreiking" not in visitor.get("/kennisbank?q=verslag").body.decode()
    assert "Geen materiaal gevonden." in visitor.get("/kennisbank?jaar=2019").body.decode()
    for hostile in ("?thema=<script>", "?pagina=-1", "?pagina=99999999999", "?type=exe", "?jaar=abcd"):
        assert visitor.get(f"/kennisbank{hostile}").status_code == 200


def test_library_pages_ten_at_a_time(make_event, client):
    make_event()
    for n in range(12):
        put_material("public", title=f"Stuk {n:02d}")
    first = FormSession(client).get("/kennisbank").body.decode()
    assert "Pagina 1 van 2" in first
    assert first.count('class="card"') == 10
    assert FormSession(client).get("/kennisbank?pagina=2").body.decode().count('class="card"') == 2


def test_organiser_document_from_the_command_line_path(make_event):
    make_event()
    material = library.add_document(PDF, "Rapport 2027.pdf", "Rapport", "members", ("extremisme",), SLUG)
    assert (material.status, material.filename, material.event_title) == (
        "published",
        "Rapport-2027.pdf",
        "Netwerkbijeenkomst Maatschappelijk ongenoegen",
    )
    with pytest.raises(ValueError, match="need a title"):
        library.add_document(PDF, "x.exe", "X", "members", ())
    with pytest.raises(NotFound):
        library.download(material.id, None)
