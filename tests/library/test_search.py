"""Full-text search in the knowledge library: words inside the files, Dutch stemming, accents,
parts of compounds, snippets, access before counting, removal, suggestions and hostile queries.

Materials are stored through the library's store, which queues the index update; the index
worker runs through the handler Lambda calls (`deliver_index`), on moto's FIFO queue and S3.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import replace
from datetime import date

import pytest

from chalicelib.core import clock
from chalicelib.core.object_keys import document_object
from chalicelib.library import materials, search_index
from chalicelib.library import service as library
from chalicelib.library.files import put as put_file
from chalicelib.library.model import FileType, Material, MaterialAccess
from chalicelib.library.store import library_store
from tests.support.accounts import make_account, sign_in
from tests.support.aws import deliver_index
from tests.support.documents import pdf, zipped
from tests.support.factories import registration_form
from tests.support.web import FormSession

SLUG = "netwerkbijeenkomst-test"


def pptx(slide: str, notes: str) -> bytes:
    """A presentation with one slide and its speaker notes (the parts the index reads)."""
    drawing = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    return zipped(
        {
            "[Content_Types].xml": b"<Types/>",
            "ppt/presentation.xml": b"<p:presentation xmlns:p='p'/>",
            "ppt/slides/slide1.xml": f"<p:sld {drawing} xmlns:p='p'><a:t>{slide}</a:t></p:sld>".encode(),
            "ppt/notesSlides/notesSlide1.xml": f"<p:notes {drawing} xmlns:p='p'><a:t>{notes}</a:t></p:notes>".encode(),
        }
    )


def add(title: str, content: bytes, file_type: str = "pdf", access: str = "public", **fields: object) -> Material:
    material_id = f"{SLUG}.{secrets.token_hex(6)}"
    key = document_object(material_id, f"{secrets.token_hex(4)}.{file_type}")
    put_file(key, content, file_type, f"bestand.{file_type}")
    material = Material(
        id=material_id,
        title=title,
        file_type=FileType(file_type),
        access=MaterialAccess(access),
        date=date(2027, 3, 18),
        object_key=key,
        size=len(content),
        filename=f"bestand.{file_type}",
        uploaded_at=clock.now(),
        event_slug=SLUG,
        event_title="Netwerkbijeenkomst Maatschappelijk ongenoegen",
        **{"status": "published", **fields},  # type: ignore[arg-type]
    )
    materials.save(material)
    return material


def titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/kennisbank/[^"]+"><span lang="nl">([^<]+)</span>', html)


@pytest.fixture
def visitor(make_event, client) -> FormSession:
    make_event()
    return FormSession(client)


def test_a_word_only_on_a_pdfs_second_page_or_in_a_presentations_notes_is_found_with_a_snippet(visitor, aws_calls):
    add("Jaarverslag", pdf("Inleiding van het netwerk", "Casus over ordeverstoring in Zwijndrecht"))
    add("Presentatie Movisie", pptx("Leernetwerk polarisatie", "Vertel hier over de meldingsstructuur"), "pptx")
    add("Los stuk", pdf("Niets hiervan"))
    deliver_index()
    aws_calls.reset()

    on_page_two = visitor.get("/kennisbank?q=ordeverstoring").body.decode()
    in_notes = visitor.get("/kennisbank?q=meldingsstructuur").body.decode()

    assert titles(on_page_two) == ["Jaarverslag"]
    assert "<mark>ordeverstoring</mark>" in on_page_two
    assert titles(in_notes) == ["Presentatie Movisie"]
    assert "<mark>meldingsstructuur</mark>" in in_notes
    assert aws_calls.service("dynamodb") == 0  # a search reads the local index, not the table


def test_dutch_plurals_and_accents_match_and_the_best_comes_first(visitor):
    add("Radicalisering in de regio", pdf("Over radicalisering"), description="Een overzicht")
    add("Verslag", pdf("Een keer noemen we radicaliseringen"), description="Eén keer per jaar")
    add("Café-overleg", pdf("Koffie"))
    deliver_index()

    assert titles(visitor.get("/kennisbank?q=radicaliseringen").body.decode()) == [
        "Radicalisering in de regio",  # in the title weighs most
        "Verslag",
    ]
    assert titles(visitor.get("/kennisbank?q=cafe").body.decode()) == ["Café-overleg"]
    assert titles(visitor.get("/kennisbank?q=EEN+keer").body.decode()) == ["Verslag"]


def test_a_typing_error_suggests_the_nearest_word(visitor):
    add("Polarisatie op school", pdf("Leerkrachten"))
    deliver_index()
    page = visitor.get("/kennisbank?q=polarsatie").body.decode()
    assert "Geen materiaal gevonden." in page
    assert 'Bedoelde u: <a href="/kennisbank?q=polarisatie">polarisatie</a>?' in page


def test_attendee_material_is_neither_found_nor_counted_for_a_member_who_did_not_attend(make_event, client):
    make_event()
    add("Deelnemersverslag", pdf("vertrouwelijke casus"), access="attendees")
    add("Ledenverslag", pdf("casus voor leden"), access="members")
    deliver_index()
    make_account("lid@rotterdam.nl")
    make_account("deelnemer@rotterdam.nl")
    FormSession(client).post(f"/events/{SLUG}/aanmelden", registration_form(email="deelnemer@rotterdam.nl"))
    member = sign_in(FormSession(client), "lid@rotterdam.nl")
    attendee = sign_in(FormSession(client), "deelnemer@rotterdam.nl")

    as_member = member.get("/kennisbank?q=casus").body.decode()
    assert titles(as_member) == ["Ledenverslag"]
    assert "1 gevonden." in as_member
    assert sorted(titles(attendee.get("/kennisbank?q=casus").body.decode())) == ["Deelnemersverslag", "Ledenverslag"]
    assert titles(FormSession(client).get("/kennisbank?q=casus").body.decode()) == []  # anonymous
    assert library.find(None, library.clean_filters({"q": "vertrouwelijke"})).total == 0


def test_a_removed_material_disappears_from_the_results(visitor):
    material = add("Tijdelijk", pdf("verdwijnwoord"))
    deliver_index()
    assert titles(visitor.get("/kennisbank?q=verdwijnwoord").body.decode()) == ["Tijdelijk"]

    materials.delete(material)
    deliver_index()

    assert titles(visitor.get("/kennisbank?q=verdwijnwoord").body.decode()) == []


def test_no_html_from_a_document_reaches_the_page(visitor):
    add("Lastig", pdf("<script>alert(1)</script> gevaarlijk"))
    deliver_index()
    page = visitor.get("/kennisbank?q=gevaarlijk").body.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>gevaarlijk</mark>" in page


@pytest.mark.parametrize(
    "hostile",
    ['"', "*", "NEAR(", "-", "OR", "a OR", "\x00", "x" * 10_000, "title:x", "^polarisatie", "''; DROP TABLE x"],
)
def test_hostile_queries_never_give_a_server_error(visitor, hostile):
    add("Iets", pdf("polarisatie"))
    deliver_index()
    response = visitor.get("/kennisbank?" + "q=" + re.sub(r"[^A-Za-z0-9]", lambda m: f"%{ord(m.group()):02X}", hostile))
    assert response.status_code == 200


def test_the_api_searches_public_materials_only(visitor, client):
    add("Openbaar rapport", pdf("extremisme online"))
    add("Ledenrapport", pdf("extremisme besloten"), access="members")
    deliver_index()
    body = client.http.get("/api/v1/kennisbank?q=extremisme").json_body
    assert body["total"] == 1
    [found] = body["materials"]
    assert (found["title"], found["file_type"], found["download"]) == (
        "Openbaar rapport",
        "pdf",
        f"/kennisbank/{found['id']}/download",
    )
    assert "extremisme" in found["snippet"]
    assert "<mark>" not in found["snippet"]


def test_the_index_is_rebuilt_from_the_kept_texts(visitor):
    add("Herbouw", pdf("herbouwwoord"))
    deliver_index()
    from chalicelib.library import search, search_files

    search.update('{"rebuild": true}')  # what manage.py reindex --here does
    search.forget_copy()
    assert titles(visitor.get("/kennisbank?q=herbouwwoord").body.decode()) == ["Herbouw"]
    kept = search_files.extracted(library_store().all_materials()[0])
    assert kept is not None
    assert "herbouwwoord" in kept.text


def test_a_suggestion_never_reveals_words_of_material_the_visitor_may_not_open(visitor, client):
    add("Ledenstuk", pdf("desinformatiecampagne"), access="members")
    add("Concept", pdf("informantenbescherming"), status="draft")
    add("Openbaar", pdf("polarisatie"))
    deliver_index()

    for typo in ("desinformatiecampagn", "desinformatiecampange", "informantenbeschermin"):
        page = visitor.get(f"/kennisbank?q={typo}").body.decode()
        assert "Bedoelde u" not in page, typo
        assert titles(page) == [], typo
        assert client.http.get(f"/api/v1/kennisbank?q={typo}").json_body["suggestion"] is None
    # the same kind of typo in a word the visitor may open is suggested (negative control)
    assert client.http.get("/api/v1/kennisbank?q=polarsatie").json_body["suggestion"] == "polarisatie"
    make_account("lid@rotterdam.nl")
    member = sign_in(FormSession(client), "lid@rotterdam.nl")
    assert "Bedoelde u" in member.get("/kennisbank?q=desinformatiecampange").body.decode()
    # and a word left unfinished is the beginning of one the member may open: found at once
    assert titles(member.get("/kennisbank?q=desinformatiecampagn").body.decode()) == ["Ledenstuk"]


def test_a_part_of_a_compound_finds_it_from_the_front_or_the_back(visitor):
    add("Langs de dijk", pdf("Het onderhoud van knotwilgen"))
    add("Populieren", pdf("Bomen aan de rand van de wijk"))
    deliver_index()

    for part in ("knotwil", "knot", "wilgen", "wilg"):  # its beginning, and its end (the stem's end)
        page = visitor.get(f"/kennisbank?q={part}").body.decode()
        assert titles(page) == ["Langs de dijk"], part
        assert "<mark>knotwilgen</mark>" in page, part
    # a part that no document holds finds nothing, and neither does a fragment under four letters,
    # even one that begins every word of a document
    for fragment in ("eiken", "knotwilgenhout", "kno", "kn", "k", "bo", "po"):
        page = visitor.get(f"/kennisbank?q={fragment}").body.decode()
        assert titles(page) == [], fragment
        assert "Geen materiaal gevonden." in page, fragment
    assert titles(visitor.get("/kennisbank?q=bomen").body.decode()) == ["Populieren"]  # the control: a word itself


def test_a_document_holding_the_word_itself_comes_before_one_holding_it_in_a_longer_word(visitor, monkeypatch):
    add("Knotwilgen, knotwilgen en nog eens knotwilgen", pdf("Knotwilgen"))  # the title weighs most
    add("Verslag", pdf("Langs het pad staan wilgen"))
    for n in range(4):  # unrelated documents, so that bm25 counts neither word as common
        add(f"Los stuk {n}", pdf("Iets anders"))
    deliver_index()

    assert titles(visitor.get("/kennisbank?q=wilgen").body.decode()) == [
        "Verslag",
        "Knotwilgen, knotwilgen en nog eens knotwilgen",
    ]
    # the negative control: on bm25 alone the longer word in the title would come first
    match = search_index._match
    monkeypatch.setattr(search_index, "_match", lambda *args: replace(match(*args), same=""))
    assert titles(visitor.get("/kennisbank?q=wilgen").body.decode()) == [
        "Knotwilgen, knotwilgen en nog eens knotwilgen",
        "Verslag",
    ]
