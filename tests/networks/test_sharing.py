"""An organiser shares a library material with chosen other networks: their members find it in their own
library and search, marked with where it came from, at the owner's access level; it follows every
change of the original; the network that holds a copy cannot change or delete it; nothing else crosses."""

from __future__ import annotations

import pytest

from chalicelib.core import aws, config, tenancy
from chalicelib.library.sharing import copy_id
from chalicelib.library.store import library_store
from chalicelib.networks import service as networks
from tests.support.accounts import make_account, sign_in
from tests.support.aws import deliver_index
from tests.support.documents import pdf
from tests.support.library import add_with_file
from tests.support.web import FormSession

A_HOST, B_HOST, C_HOST = "127.0.0.1:8000", "haaglanden.localhost:8000", "utrecht.localhost:8000"
TITLE = "Handreiking signalering knotwilgenpolarisatie"


def make(name: str) -> tenancy.Network:
    settings = {"title_nl": f"Netwerk {name}", "sender": "netwerk@portal.example", "contact": f"{name}@portal.example"}
    networks.create(name, settings, "test")
    return networks.named(name)


@pytest.fixture
def shared(moto, client, organiser):
    """A's public material, shared with B (not with C); the index of every network brought up to date."""
    make("haaglanden")
    make("utrecht")
    material = add_with_file(TITLE, pdf("knotwilgen langs de dijk"))
    response = organiser.post(f"/beheer/materialen/{material.id}/delen", {"delen_haaglanden": "yes"})
    assert response.status_code == 303
    deliver_index()
    return material


def library_of(client, host: str, words: str = "knotwilgen") -> str:
    return client.http.get(f"/kennisbank?q={words}", headers={"host": host}).body.decode()


def test_bs_visitors_find_a_shared_material_marked_with_its_network_and_download_it(shared, client):
    page = library_of(client, B_HOST)
    assert TITLE in page
    assert "Gedeeld door Regionaal netwerk maatschappelijk ongenoegen" in page
    download = client.http.get(f"/kennisbank/{copy_id('rotterdam', shared.id)}/download", headers={"host": B_HOST})
    assert download.status_code == 303
    # the owner's file, never a copy of it
    assert shared.object_key in download.headers["Location"]
    # a network it was not shared with finds nothing
    assert TITLE not in library_of(client, C_HOST)
    other = client.http.get(f"/kennisbank/{copy_id('rotterdam', shared.id)}/download", headers={"host": C_HOST})
    assert other.headers["Location"].startswith("/inloggen")  # a visitor is asked to sign in, as for any unknown id


def test_the_copy_follows_an_edit_and_goes_when_sharing_stops(shared, client, organiser):
    form = {"title": "Nieuwe titel knotwilgen", "description": "", "access": "public", "status": "published"}
    assert organiser.post(f"/beheer/materialen/{shared.id}", form).status_code == 303
    deliver_index()
    assert "Nieuwe titel knotwilgen" in library_of(client, B_HOST)

    assert organiser.post(f"/beheer/materialen/{shared.id}/delen", {}).status_code == 303  # no network chosen
    deliver_index()
    assert "Nieuwe titel knotwilgen" not in library_of(client, B_HOST)
    gone = client.http.get(f"/kennisbank/{copy_id('rotterdam', shared.id)}/download", headers={"host": B_HOST})
    assert gone.headers["Location"].startswith("/inloggen")  # no file: a visitor is asked to sign in


def test_a_members_only_material_opens_for_bs_members_only(moto, client, organiser):
    make("haaglanden")
    material = add_with_file(TITLE, pdf("knotwilgen langs de dijk"), access="members")
    assert organiser.post(f"/beheer/materialen/{material.id}/delen", {"delen_haaglanden": "yes"}).status_code == 303
    path = f"/kennisbank/{copy_id('rotterdam', material.id)}/download"
    assert client.http.get(path, headers={"host": B_HOST}).status_code == 303  # to sign in first
    assert "inloggen" in client.http.get(path, headers={"host": B_HOST}).headers["Location"]
    with tenancy.within(networks.named("haaglanden")):
        make_account("lid@haaglanden.nl")
    member_b = sign_in(FormSession(client, host=B_HOST), "lid@haaglanden.nl")
    opened = member_b.get(path)
    assert opened.status_code == 303
    assert material.object_key in opened.headers["Location"]


def test_bs_organisers_cannot_change_or_delete_the_copy_and_the_file_stays(shared, client):
    with tenancy.within(networks.named("haaglanden")):
        make_account("org@haaglanden.nl", access="organiser")
    organiser_b = sign_in(FormSession(client, host=B_HOST), "org@haaglanden.nl")
    copy = copy_id("rotterdam", shared.id)
    page = organiser_b.get(f"/beheer/materialen/{copy}").body.decode()
    assert "Alleen dat netwerk kan het wijzigen of verwijderen." in page
    assert organiser_b.post(f"/beheer/materialen/{copy}/verwijderen", {}).status_code == 409
    assert organiser_b.post(f"/beheer/materialen/{copy}/intrekken", {}).status_code == 409
    assert aws.s3().head_object(Bucket=config.bucket_name(), Key=shared.object_key)  # the owner's file is there


def test_only_published_material_for_everyone_or_members_is_shared(moto, organiser):
    make("haaglanden")
    material = add_with_file(TITLE, pdf("knotwilgen langs de dijk"), access="organisers")
    response = organiser.post(f"/beheer/materialen/{material.id}/delen", {"delen_haaglanden": "yes"})
    assert response.status_code == 409
    with tenancy.within(networks.named("haaglanden")):
        assert library_store().material(copy_id("rotterdam", material.id)) is None
