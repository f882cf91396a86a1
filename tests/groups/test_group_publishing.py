"""Publishing a group's document: a lead or an organiser puts a chosen version in the library at a
level; a later version stays the group's until someone publishes it. Unpublished versions are
nowhere in the library, its search (hits, counts, suggestions) or the API."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import requests

from chalicelib.library.store import library_store
from tests.support.aws import deliver_index
from tests.support.documents import pdf
from tests.support.group_documents import GROUP, drivergroep, history_of, new_document, upload_version
from tests.support.library import found
from tests.support.web import FormSession

# each version's own word, found in no other material
FIRST = pdf("Ketenregie in de wijk")
SECOND = pdf("Buurtbemiddeling in de wijk")


@pytest.fixture
def people(client):
    return drivergroep(client)


@pytest.fixture
def document(people) -> str:
    made = new_document(people.member)
    upload_version(people.member, made, FIRST, "Opzet.pdf")
    return made


def publish(session: FormSession, document: str, version: int, access: str = "members") -> int:
    form = {"version": str(version), "title": "Handreiking wijkaanpak", "access": access, "theme_0": "yes"}
    return int(session.post(document, form).status_code)


def material_of(document: str):
    history = history_of(document)
    assert history.document.material_id
    material = library_store().material(history.document.material_id)
    assert material is not None
    return material


def api_total(client, words: str) -> tuple[int, object]:
    body = client.http.get(f"/api/v1/kennisbank?q={quote(words)}").json_body
    return body["total"], body["suggestion"]


def downloaded(session: FormSession, material_id: str) -> bytes:
    answer = session.get(f"/kennisbank/{material_id}/download")
    assert answer.status_code == 303
    return requests.get(answer.headers["Location"], timeout=10).content


def test_a_lead_publishes_a_version_for_members_and_only_members_find_it(people, document, client):
    assert publish(people.lead, document, 1) == 303
    deliver_index()
    material = material_of(document)
    assert (material.title, material.access, material.themes) == ("Handreiking wijkaanpak", "members", ("polarisatie",))
    assert found(people.outsider, "ketenregie")  # any member of the network
    assert not found(people.visitor, "ketenregie")
    assert api_total(client, "ketenregie")[0] == 0
    assert downloaded(people.outsider, material.id) == FIRST
    page = people.member.get(document).body.decode()
    assert "Versie 1 staat in de kennisbank als ‘Handreiking wijkaanpak’, voor leden." in page
    # the same version for everyone: now the visitor and the API find it too (negative control)
    assert publish(people.lead, document, 1, "public") == 303
    deliver_index()
    assert found(people.visitor, "ketenregie")
    assert api_total(client, "ketenregie")[0] == 1


def test_a_later_version_reaches_the_library_only_when_published_and_then_replaces_the_first(people, document, client):
    publish(people.lead, document, 1, "public")
    upload_version(people.member, document, SECOND, "Opzet v2.pdf")
    deliver_index()
    material = material_of(document)
    for session in (people.visitor, people.outsider, people.member, people.organiser):
        assert not found(session, "buurtbemiddeling")
        assert found(session, "ketenregie")
    assert api_total(client, "buurtbemiddeling") == (0, None)
    assert api_total(client, "buurtbemidelling") == (0, None)  # no suggestion from the draft's words
    assert downloaded(people.visitor, material.id) == FIRST
    assert "Er is een nieuwere versie." in people.member.get(document).body.decode()

    assert publish(people.organiser, document, 2, "public") == 303
    deliver_index()
    again = material_of(document)
    assert again.id == material.id  # the same material: its address and downloads stay
    assert found(people.visitor, "buurtbemiddeling")
    assert not found(people.visitor, "ketenregie")
    assert api_total(client, "buurtbemidelling")[1] == "buurtbemiddeling"  # now a word it may suggest
    assert downloaded(people.visitor, material.id) == SECOND


def test_only_leads_and_organisers_publish_and_withdrawing_takes_it_out_of_the_library(people, document):
    assert publish(people.member, document, 1) == 403
    assert publish(people.lead, document, 9) == 422  # no such version: the form again, with the message
    publish(people.lead, document, 1, "public")
    deliver_index()
    assert found(people.visitor, "ketenregie")
    assert people.lead.post(f"{document}/intrekken", {}).status_code == 303
    deliver_index()
    assert not found(people.visitor, "ketenregie")
    assert not found(people.organiser, "ketenregie")
    history = history_of(document)
    assert history.document.published_version == 0
    assert "Geen versie van dit document staat in de kennisbank." in people.member.get(document).body.decode()


def test_the_groups_list_of_documents_says_the_current_version_and_what_the_library_holds(people, document):
    upload_version(people.member, document, SECOND, "Opzet v2.pdf")
    publish(people.lead, document, 1)
    listed = people.member.get(f"/groepen/{GROUP}/documenten/nieuw").body.decode()
    row = listed[listed.index(f'href="{document}"') :].split("</tr>", 1)[0]
    assert "Versie 2" in row
    assert "Versie 1, voor leden" in row
