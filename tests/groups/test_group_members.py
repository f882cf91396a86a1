"""Working groups: who may create them and change their members, and that a place in a group is
written on both sides (the group's member item and the account) or not at all (moto)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import manage
from chalicelib.accounts import groups
from chalicelib.accounts.group_store import StaleGroup, group_store
from chalicelib.accounts.model import Member
from chalicelib.accounts.store import account_store
from chalicelib.audit import service as audit
from chalicelib.core import clock
from chalicelib.core.errors import GroupNotFound, InvalidInput
from chalicelib.core.keys import member_sk
from tests.support.accounts import make_account
from tests.support.stored import present


@pytest.fixture
def organiser(moto):
    return make_account("org@zwijndrecht.nl", access="organiser")


@pytest.fixture
def drivergroep(organiser):
    return groups.create(organiser.email, {"name": "drivergroep", "title": "Drivergroep", "description": "Stuurt."})


def fresh(email: str):
    return present(account_store().get(email))


def member_items(name: str) -> list[str]:
    return [item["SK"] for item in group_store().partition(name) if item["type"] == "member"]


def actions() -> list[str]:
    return [entry.action for entry in audit.month(clock.now().isoformat()[:7], None).items]


def test_an_organiser_creates_a_group_once_with_a_name_fit_for_an_address(organiser, drivergroep):
    assert present(group_store().get("drivergroep")).title == "Drivergroep"
    with pytest.raises(InvalidInput) as same:
        groups.create(organiser.email, {"name": "drivergroep", "title": "Nog een"})
    assert same.value.fields["name"].msgid == "Er is al een werkgroep met deze naam."
    with pytest.raises(InvalidInput) as bad:
        groups.create(organiser.email, {"name": "Driver Groep", "title": ""})
    assert set(bad.value.fields) == {"name", "title"}
    assert actions().count("group.created") == 1


def test_a_member_is_written_on_the_group_and_on_the_account_and_shown_with_their_account(organiser, drivergroep):
    make_account("lid@dordrecht.nl", name="Sanne Bakker", organisation="Gemeente Dordrecht")
    groups.add_member(organiser, "drivergroep", {"email": "Lid@Dordrecht.nl"})
    account = fresh("lid@dordrecht.nl")
    assert account.groups == ("drivergroep",)
    assert account.leads == ()
    assert member_items("drivergroep") == [member_sk("lid@dordrecht.nl")]
    roster = groups.roster(account, "drivergroep")
    assert [(a.name, a.organisation, m.lead) for m, a in roster.members] == [
        ("Sanne Bakker", "Gemeente Dordrecht", False)
    ]
    assert "group.member_added" in actions()


def test_only_approved_accounts_of_the_network_join_and_only_once(organiser, drivergroep):
    make_account("wacht@dordrecht.nl", status="pending")
    for address in ("wacht@dordrecht.nl", "onbekend@dordrecht.nl"):
        with pytest.raises(InvalidInput) as refused:
            groups.add_member(organiser, "drivergroep", {"email": address})
        assert refused.value.fields["email"].msgid == "Met dit adres is geen goedgekeurd account in dit netwerk."
    make_account("lid@dordrecht.nl")
    groups.add_member(organiser, "drivergroep", {"email": "lid@dordrecht.nl"})
    with pytest.raises(InvalidInput) as twice:
        groups.add_member(organiser, "drivergroep", {"email": "lid@dordrecht.nl"})
    assert twice.value.fields["email"].msgid == "Deze persoon hoort al bij de werkgroep."
    assert member_items("drivergroep") == [member_sk("lid@dordrecht.nl")]


def test_a_lead_manages_members_but_makes_no_leads_and_a_member_manages_nothing(organiser, drivergroep):
    make_account("lead@politie.nl")
    make_account("lid@dordrecht.nl")
    make_account("nieuw@om.nl")
    groups.add_member(organiser, "drivergroep", {"email": "lead@politie.nl", "lead": "yes"})
    groups.add_member(organiser, "drivergroep", {"email": "lid@dordrecht.nl"})
    lead, member = fresh("lead@politie.nl"), fresh("lid@dordrecht.nl")
    assert lead.leads == ("drivergroep",)
    with pytest.raises(GroupNotFound):
        groups.add_member(member, "drivergroep", {"email": "nieuw@om.nl"})
    groups.add_member(lead, "drivergroep", {"email": "nieuw@om.nl", "lead": "yes"})
    assert fresh("nieuw@om.nl").groups == ("drivergroep",)
    assert fresh("nieuw@om.nl").leads == ()
    with pytest.raises(GroupNotFound):
        groups.set_lead(lead, "drivergroep", fresh("nieuw@om.nl").key, True)
    groups.remove_member(lead, "drivergroep", fresh("lid@dordrecht.nl").key)
    assert fresh("lid@dordrecht.nl").groups == ()
    assert sorted(member_items("drivergroep")) == sorted([member_sk("lead@politie.nl"), member_sk("nieuw@om.nl")])
    groups.set_lead(organiser, "drivergroep", fresh("nieuw@om.nl").key, True)
    assert fresh("nieuw@om.nl").leads == ("drivergroep",)
    assert {"group.member_removed", "group.lead"} <= set(actions())


def test_to_anyone_outside_a_group_it_does_not_exist(organiser, drivergroep):
    outsider = make_account("buiten@dordrecht.nl")
    other = groups.create(organiser.email, {"name": "werkgroep-online", "title": "Online"})
    make_account("ander@om.nl")
    groups.add_member(organiser, other.name, {"email": "ander@om.nl"})
    for viewer in (None, outsider, fresh("ander@om.nl")):
        with pytest.raises(GroupNotFound):
            groups.roster(viewer, "drivergroep")
    with pytest.raises(GroupNotFound):
        groups.roster(organiser, "bestaat-niet")
    assert groups.roster(organiser, "drivergroep").group.title == "Drivergroep"


def test_an_account_changed_since_it_was_read_is_not_half_added(organiser, drivergroep):
    make_account("lid@dordrecht.nl")
    read = fresh("lid@dordrecht.nl")
    account_store().save(fresh("lid@dordrecht.nl"))  # meanwhile: another change to the account
    read.groups = ("drivergroep",)
    entry = groups._audit("test", "group.member_added", "drivergroep", {}, {})
    with pytest.raises(StaleGroup):
        group_store().set_membership("drivergroep", read, Member(read.email, clock.now()), entry)
    assert member_items("drivergroep") == []
    assert fresh("lid@dordrecht.nl").groups == ()
    # negative control: the same write from the account as it is now goes through
    current = fresh("lid@dordrecht.nl")
    current.groups = ("drivergroep",)
    group_store().set_membership("drivergroep", current, Member(current.email, clock.now()), entry)
    assert member_items("drivergroep") == [member_sk("lid@dordrecht.nl")]


def test_a_deleted_account_leaves_its_groups(organiser, drivergroep):
    make_account("lid@dordrecht.nl")
    groups.add_member(organiser, "drivergroep", {"email": "lid@dordrecht.nl"})
    account_store().delete(fresh("lid@dordrecht.nl"))
    assert member_items("drivergroep") == []


def test_the_command_line_adds_a_person_making_an_approved_account_when_there_is_none(organiser, drivergroep):
    result = CliRunner().invoke(manage.add_to_group, ["--email", "Nieuw@OM.nl", "--group", "drivergroep"])
    assert result.exit_code == 0, result.output
    assert "Nieuw@om.nl (a new approved member account) is in group drivergroep" in result.output
    account = fresh("nieuw@om.nl")
    assert account.can_sign_in
    assert account.groups == ("drivergroep",)
    again = CliRunner().invoke(manage.add_to_group, ["--email", "nieuw@om.nl", "--group", "drivergroep"])
    assert again.exit_code == 0
    assert "new approved" not in again.output
    missing = CliRunner().invoke(manage.add_to_group, ["--email", "nieuw@om.nl", "--group", "geen"])
    assert missing.exit_code == 2
    assert "no group 'geen'" in missing.output
    made = CliRunner().invoke(manage.create_group, ["--name", "x", "--title", "Te kort"])
    assert made.exit_code == 2
    assert "name: Only lowercase letters" in made.output
