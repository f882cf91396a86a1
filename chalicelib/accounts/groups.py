"""Working groups: organisers create them; organisers and a group's leads add and remove members.

A group exists for its members and the network's organisers only: to anyone else every address of
it is missing (GroupNotFound), never forbidden. Every change is audited ("group.*").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from chalicelib.accounts.group_store import GroupExists, StaleGroup, group_store
from chalicelib.accounts.model import Account, AccountStatus, Group, Member
from chalicelib.accounts.store import AccountExists, account_store
from chalicelib.audit.store import AuditChange
from chalicelib.core import clock
from chalicelib.core.dynamo import Item
from chalicelib.core.errors import Conflict, GroupNotFound, InvalidInput
from chalicelib.core.forms import FieldError, clean_email_field, raise_if, text_field
from chalicelib.core.i18n import _
from chalicelib.core.keys import MEMBER_PREFIX

NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NAME_LENGTH = (2, 40)
TITLE_MAX = 100
DESCRIPTION_MAX = 1000
GROUP_FIELDS = ("title", "name", "description")  # in the form's order
COMMAND_LINE = "command line"


@dataclass(frozen=True)
class Roster:
    """A group as its page shows it: the group, its members with their accounts (approved ones, by
    name) and every item of its partition (its documents read theirs from these)."""

    group: Group
    members: list[tuple[Member, Account]]
    items: list[Item]

    def leads(self) -> list[Account]:
        return [account for member, account in self.members if member.lead]


def all_groups() -> list[Group]:
    return group_store().all()


def of(account: Account) -> list[Group]:
    """The groups an account belongs to, by name (organisers see every group in the workspace)."""
    return [group for group in group_store().all() if group.name in account.groups]


def exists(name: str) -> bool:
    return _well_formed(name) and group_store().get(name) is not None


def members_of(name: str) -> list[Account]:
    """The accounts of a group's members, as they are now (for its mail): one Query and one BatchGetItem."""
    members = [Member.from_item(item) for item in group_store().partition(name) if item["type"] == "member"]
    return [a for a in account_store().by_addresses([m.email for m in members]) if name in a.groups]


def get(viewer: Account | None, name: str) -> Group:
    """A group its viewer may see; GroupNotFound otherwise, as for a group that does not exist."""
    if viewer is None or not _well_formed(name) or not viewer.sees_group(name):
        raise GroupNotFound()
    group = group_store().get(name)
    if group is None:
        raise GroupNotFound()
    return group


def roster(viewer: Account | None, name: str) -> Roster:
    """The group with its members and documents, for someone who may see it: one Query of its
    partition and one BatchGetItem of its members' accounts."""
    if viewer is None or not _well_formed(name) or not viewer.sees_group(name):
        raise GroupNotFound()
    items = group_store().partition(name)
    group = next((Group.from_item(item) for item in items if item["type"] == "group"), None)
    if group is None:
        raise GroupNotFound()
    members = [Member.from_item(item) for item in items if item["SK"].startswith(MEMBER_PREFIX)]
    accounts = {a.email.lower(): a for a in account_store().by_addresses([m.email for m in members])}
    listed = [(m, accounts[m.email.lower()]) for m in members if m.email.lower() in accounts]
    listed = [(m, a) for m, a in listed if a.status == AccountStatus.APPROVED and name in a.groups]
    return Roster(group, sorted(listed, key=lambda pair: pair[1].name.lower()), items)


def create(actor: str, form: Mapping[str, str]) -> Group:
    """A new group (by an organiser, or the command line: `actor` is who, for the audit log)."""
    errors: dict[str, FieldError] = {}
    name = text_field(form, "name", errors, NAME_LENGTH[1])
    if "name" not in errors and (len(name) < NAME_LENGTH[0] or not NAME.match(name)):
        errors["name"] = FieldError(_("Alleen kleine letters, cijfers en losse streepjes, 2 tot %(max)d tekens."), 40)
    title, description = _texts(form, errors)
    raise_if(errors, GROUP_FIELDS)
    group = Group(name=name, title=title, description=description, created_at=clock.now())
    try:
        group_store().create(group, _audit(actor, "group.created", name, {}, _snapshot(group)))
    except GroupExists as exc:
        raise InvalidInput({"name": FieldError(_("Er is al een werkgroep met deze naam."))}) from exc
    return group


def edit(organiser: Account, name: str, form: Mapping[str, str]) -> Group:
    group = get(organiser, name)
    errors: dict[str, FieldError] = {}
    title, description = _texts(form, errors)
    raise_if(errors, GROUP_FIELDS)
    before = _snapshot(group)
    group.title, group.description = title, description
    try:
        group_store().save(group, _audit(organiser.email, "group.updated", name, before, _snapshot(group)))
    except StaleGroup as exc:
        raise Conflict() from exc
    return group


def delete(organiser: Account, name: str, has_meetings: bool) -> None:
    """Remove an empty group: without members, documents or meetings (`has_meetings`, which its
    caller reads), so that nothing is left that a later group of the same name would see."""
    if not organiser.is_organiser:
        raise GroupNotFound()
    roster_items = group_store().partition(name) if _well_formed(name) else []
    group = next((Group.from_item(item) for item in roster_items if item["type"] == "group"), None)
    if group is None:
        raise GroupNotFound()
    if len(roster_items) > 1 or has_meetings:
        raise Conflict(_("Alleen een lege werkgroep kan weg: haal eerst haar leden, documenten en bijeenkomsten weg."))
    try:
        group_store().delete(group, _audit(organiser.email, "group.deleted", name, _snapshot(group), {}))
    except StaleGroup as exc:
        raise Conflict() from exc


def add_member(actor: Account, name: str, form: Mapping[str, str]) -> Account:
    """Add an approved account of the network to the group, by its address; only organisers make a
    lead. InvalidInput for an address without an approved account, or of someone in the group already."""
    _managed(actor, name)
    errors: dict[str, FieldError] = {}
    email = clean_email_field(form, errors)
    raise_if(errors, ("email",))
    account = account_store().get(email)
    if account is None or account.status != AccountStatus.APPROVED:
        raise InvalidInput({"email": FieldError(_("Met dit adres is geen goedgekeurd account in dit netwerk."))})
    if name in account.groups:
        raise InvalidInput({"email": FieldError(_("Deze persoon hoort al bij de werkgroep."))})
    lead = form.get("lead") == "yes" and actor.is_organiser
    _join(actor.email, name, account, lead)
    return account


def remove_member(actor: Account, name: str, key: str) -> Account:
    """Take someone out of the group. A lead cannot take themselves out (a group would be left without
    its lead unnoticed); an organiser can."""
    account = member_account(actor, name, key)
    if account.key == actor.key and not actor.is_organiser:
        raise Conflict(
            _("U kunt uzelf niet uit de werkgroep halen. Vraag een organisator, zodat de groep een trekker houdt.")
        )
    before = _place(account, name)
    account.groups = tuple(g for g in account.groups if g != name)
    account.leads = tuple(g for g in account.leads if g != name)
    _write(actor.email, "group.member_removed", name, account, None, before)
    return account


def member_account(viewer: Account, name: str, key: str) -> Account:
    """The account of one of the group's members, for someone who may change the group."""
    _managed(viewer, name)
    account = account_store().get_by_key(key) if len(key) <= 64 else None
    if account is None or name not in account.groups:
        raise GroupNotFound()
    return account


def set_lead(organiser: Account, name: str, key: str, lead: bool) -> Account:
    """Make a member a lead of the group, or an ordinary member again: organisers only."""
    if not organiser.is_organiser:
        raise GroupNotFound()
    get(organiser, name)
    account = member_account(organiser, name, key)
    before = _place(account, name)
    account.leads = tuple(sorted({*account.leads, name})) if lead else tuple(g for g in account.leads if g != name)
    place = Member(email=account.email, added_at=clock.now(), lead=lead)
    _write(organiser.email, "group.lead" if lead else "group.lead_ended", name, account, place, before)
    return account


def add_by_command(
    name: str, email: str, person: str, lead: bool = False, organisation: str = ""
) -> tuple[Account, bool, bool]:
    """For the command line: add an address to a group, making an approved member account for it if
    there is none (the command vouches for it). Returns the account, whether it was made and whether
    it joined now (False: it was in the group already)."""
    group = group_store().get(name)
    if group is None:
        raise GroupNotFound()
    store = account_store()
    account, made = store.get(email), False
    if account is None:
        account = Account(
            email=email,
            name=person or email.split("@")[0],
            organisation=organisation,
            job="",
            created_at=clock.now(),
        )
        account.status = AccountStatus.APPROVED
        try:
            store.create(account, int(clock.now().timestamp()))  # its verification link expires at once
        except AccountExists as exc:
            raise Conflict() from exc
        made = True
    if account.status != AccountStatus.APPROVED:
        raise Conflict(_("Dit account is niet actief; keur het eerst goed."))
    if name in account.groups:
        return account, made, False
    _join(COMMAND_LINE, name, account, lead)
    return account, made, True


def _join(actor: str, name: str, account: Account, lead: bool) -> None:
    before = _place(account, name)
    account.groups = tuple(sorted({*account.groups, name}))
    if lead:
        account.leads = tuple(sorted({*account.leads, name}))
    _write(actor, "group.member_added", name, account, Member(account.email, clock.now(), lead), before)


def _write(actor: str, action: str, name: str, account: Account, member: Member | None, before: Item) -> None:
    entry = _audit(actor, action, f"{name}/{account.email}", before, _place(account, name))
    try:
        group_store().set_membership(name, account, member, entry)
    except StaleGroup as exc:
        raise Conflict() from exc


def _managed(actor: Account, name: str) -> None:
    """Someone who may change the group's members; to anyone else it does not exist."""
    if not _well_formed(name) or not actor.manages_group(name):
        raise GroupNotFound()


def _well_formed(name: str) -> bool:
    return NAME_LENGTH[0] <= len(name) <= NAME_LENGTH[1] and bool(NAME.match(name))


def _texts(form: Mapping[str, str], errors: dict[str, FieldError]) -> tuple[str, str]:
    title = text_field(form, "title", errors, TITLE_MAX)
    description = text_field(form, "description", errors, DESCRIPTION_MAX, multiline=True, required=False)
    return title, description


def _snapshot(group: Group) -> Item:
    return {"title": group.title, "description": group.description}


def _place(account: Account, name: str) -> Item:
    return {"member": name in account.groups, "lead": name in account.leads}


def _audit(actor: str, action: str, target: str, before: Item, after: Item) -> AuditChange:
    return AuditChange(actor, action, target, before, after, clock.now().isoformat())
