"""The group's page, the workspace's groups, and a meeting made for a group (chalice.test.Client, moto)."""

from __future__ import annotations

import pytest

from chalicelib.accounts import groups
from chalicelib.accounts.store import account_store
from chalicelib.core.keys import email_key
from chalicelib.events.store import event_store
from chalicelib.mail.model import JobKind
from chalicelib.mail.store import job_store
from tests.support.accounts import make_account, sign_in
from tests.support.aws import sent_mail
from tests.support.events import BASE, event_form, version
from tests.support.stored import present
from tests.support.web import FormSession


@pytest.fixture
def drivergroep(organiser):
    creator = present(account_store().get("org@zwijndrecht.nl"))
    groups.create(creator.email, {"name": "drivergroep", "title": "Drivergroep", "description": "Stuurt."})
    make_account("trekker@politie.nl", name="Tess Trekker", organisation="Politie Rotterdam")
    make_account("lid@om.nl", name="Lars Lid", organisation="OM")
    groups.add_member(creator, "drivergroep", {"email": "trekker@politie.nl", "lead": "yes"})
    groups.add_member(creator, "drivergroep", {"email": "lid@om.nl"})
    return "drivergroep"


def test_an_organiser_makes_a_group_and_a_wrong_name_is_explained_with_the_input_kept(organiser):
    refused = organiser.post("/beheer/werkgroepen", {"name": "Drivergroep!", "title": "Drivergroep"})
    assert refused.status_code == 422
    body = refused.body.decode()
    assert "Alleen kleine letters, cijfers en losse streepjes, 2 tot 40 tekens." in body
    assert 'value="Drivergroep"' in body
    made = organiser.post("/beheer/werkgroepen", {"name": "drivergroep", "title": "Drivergroep"})
    assert made.status_code == 303
    assert made.headers["Location"] == "/groepen/drivergroep"
    assert "Drivergroep" in organiser.get("/beheer/werkgroepen").body.decode()
    edited = organiser.post("/beheer/werkgroepen/drivergroep", {"title": "De drivergroep", "description": "Stuurt."})
    assert edited.status_code == 303
    assert "<h1>De drivergroep</h1>" in organiser.get("/groepen/drivergroep").body.decode()


def test_the_group_page_shows_members_by_name_and_organisation_to_the_group_only(drivergroep, client):
    member = sign_in(FormSession(client), "lid@om.nl")
    page = member.get("/groepen/drivergroep").body.decode()
    assert "Tess Trekker" in page
    assert "Politie Rotterdam" in page
    assert "Trekker" in page
    assert "trekker@politie.nl" not in page  # names and organisations only
    assert "Iemand toevoegen" not in page  # a member changes nobody
    make_account("buiten@rotterdam.nl")
    assert sign_in(FormSession(client), "buiten@rotterdam.nl").get("/groepen/drivergroep").status_code == 404
    assert FormSession(client).get("/groepen/drivergroep").status_code == 303  # sign in first
    assert "/groepen/drivergroep" in member.get("/account").body.decode()


def test_a_lead_adds_and_removes_members_and_a_wrong_address_is_explained_in_either_language(drivergroep, client):
    lead = sign_in(FormSession(client), "trekker@politie.nl")
    refused = lead.post("/groepen/drivergroep", {"email": "onbekend@om.nl"})
    assert refused.status_code == 422
    assert "Met dit adres is geen goedgekeurd account in dit netwerk." in refused.body.decode()
    assert 'value="onbekend@om.nl"' in refused.body.decode()
    lead.language = "en"
    english = lead.post("/groepen/drivergroep", {"email": "onbekend@om.nl"}).body.decode()
    assert "There is no approved account with this address in this network." in english
    make_account("nieuw@dordrecht.nl", name="Nina Nieuw")
    added = lead.post("/groepen/drivergroep", {"email": "nieuw@dordrecht.nl"})
    assert added.status_code == 303
    lead.language = "nl"
    page = lead.get(added.headers["Location"]).body.decode()
    assert "Nina Nieuw hoort nu bij de werkgroep en heeft daarover een e-mail gekregen." in page
    [welcome] = [m for m in sent_mail() if m.destinations["ToAddresses"] == ["nieuw@dordrecht.nl"]]
    assert "U hoort nu bij de werkgroep Drivergroep." in welcome.body
    assert "/inloggen?next=/groepen/drivergroep" in welcome.body
    path = f"/groepen/drivergroep/leden/{email_key('nieuw@dordrecht.nl')}/verwijderen"
    assert "Nina Nieuw uit Drivergroep halen?" in lead.get(path).body.decode()  # asked first
    removed = lead.post(path, {})
    assert removed.status_code == 303
    assert "De persoon is uit de werkgroep gehaald." in lead.get(removed.headers["Location"]).body.decode()
    assert present(account_store().get("nieuw@dordrecht.nl")).groups == ()
    itself = lead.post(f"/groepen/drivergroep/leden/{email_key('trekker@politie.nl')}/verwijderen", {})
    assert itself.status_code == 409
    assert "U kunt uzelf niet uit de werkgroep halen." in itself.body.decode()
    assert present(account_store().get("trekker@politie.nl")).leads == ("drivergroep",)
    member = sign_in(FormSession(client), "lid@om.nl")
    assert member.post("/groepen/drivergroep", {"email": "nieuw@dordrecht.nl"}).status_code == 404


def test_the_group_page_costs_a_fixed_number_of_reads(drivergroep, client, aws_calls):
    member = sign_in(FormSession(client), "lid@om.nl")
    aws_calls.reset()
    member.get("/groepen/drivergroep")
    # the session and account; the group's partition; its members' accounts; its meetings
    assert dict(aws_calls.calls) == {"dynamodb.BatchGetItem": 2, "dynamodb.Query": 2}


def test_a_meeting_for_a_group_names_one_that_exists_and_its_publication_invites_the_group(drivergroep, organiser):
    refused = organiser.post(BASE, event_form(group="geen-groep", publish_slides_after=""))
    assert refused.status_code == 422
    assert "Er is geen werkgroep met deze korte naam." in refused.body.decode()
    slides = organiser.post(BASE, event_form(group="drivergroep"))
    assert "De dia's van een werkgroepbijeenkomst gaan niet vanzelf in de kennisbank" in slides.body.decode()
    assert organiser.post(BASE, event_form(group="drivergroep", publish_slides_after="")).status_code == 303
    slug = "netwerkbijeenkomst-dordrecht"
    assert present(event_store().get(slug)).group == "drivergroep"
    assert not [job for job in job_store().recent(20) if job.kind == JobKind.GROUP_INVITATION]  # a draft
    organiser.post(f"{BASE}/{slug}/status/publiceren", {"version": version(slug)})
    organiser.post(f"{BASE}/{slug}", event_form(group="drivergroep", publish_slides_after="", version=version(slug)))
    invitations = [job for job in job_store().recent(20) if job.kind == JobKind.GROUP_INVITATION]
    assert [job.topics for job in invitations] == [("drivergroep",)]  # once, however often it is saved
    assert organiser.get(f"{BASE}?status=werkgroepen").body.decode().count(f'{BASE}/{slug}"') == 1


def test_a_lead_plans_a_meeting_for_the_group_published_at_once_and_a_member_cannot(drivergroep, client):
    lead = sign_in(FormSession(client), "trekker@politie.nl")
    form = {"title": "Overleg jaarplan", "date": "2027-05-10", "start": "10:00", "end": "12:00", "venue": "Stadhuis"}
    refused = lead.post("/groepen/drivergroep/bijeenkomst", {**form, "end": "09:00", "capacity": "12"})
    assert refused.status_code == 422
    assert "De eindtijd moet na de begintijd liggen." in refused.body.decode()
    assert 'value="Overleg jaarplan"' in refused.body.decode()
    made = lead.post("/groepen/drivergroep/bijeenkomst", {**form, "capacity": "12"})
    assert made.status_code == 303
    assert made.headers["Location"] == "/events/overleg-jaarplan?gepland=1"
    assert "De leden krijgen een uitnodiging per e-mail." in lead.get(made.headers["Location"]).body.decode()
    event = present(event_store().get("overleg-jaarplan"))
    assert (event.group, event.status) == ("drivergroep", "published")
    assert [job.topics for job in job_store().recent(20) if job.kind == JobKind.GROUP_INVITATION] == [("drivergroep",)]
    assert "Overleg jaarplan" in lead.get("/groepen/drivergroep").body.decode()
    assert FormSession(client).get("/events/overleg-jaarplan").status_code == 404
    member = sign_in(FormSession(client), "lid@om.nl")
    assert member.get("/groepen/drivergroep/bijeenkomst").status_code == 404
    assert member.post("/groepen/drivergroep/bijeenkomst", {**form, "capacity": "12"}).status_code == 404


def test_only_an_empty_group_can_be_deleted_so_a_later_one_of_its_name_inherits_nothing(drivergroep, organiser):
    refused = organiser.post("/beheer/werkgroepen/drivergroep/verwijderen", {})
    assert refused.status_code == 409
    assert "Alleen een lege werkgroep kan weg" in refused.body.decode()
    assert "<h1>Drivergroep wijzigen</h1>" in refused.body.decode()  # on the group's own page
    for email in ("trekker@politie.nl", "lid@om.nl"):
        organiser.post(f"/groepen/drivergroep/leden/{email_key(email)}/verwijderen", {})
    organiser.post(BASE, event_form(group="drivergroep", publish_slides_after=""))  # a draft meeting of it
    assert organiser.post("/beheer/werkgroepen/drivergroep/verwijderen", {}).status_code == 409
    organiser.post(
        f"{BASE}/netwerkbijeenkomst-dordrecht/verwijderen", {"version": version("netwerkbijeenkomst-dordrecht")}
    )
    deleted = organiser.post("/beheer/werkgroepen/drivergroep/verwijderen", {})
    assert deleted.status_code == 303
    assert "De werkgroep is verwijderd." in organiser.get(deleted.headers["Location"]).body.decode()
    assert organiser.get("/groepen/drivergroep").status_code == 404
