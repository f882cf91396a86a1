"""A working group's meetings as organisers and leads make and list them: a lead plans one from the
group's page, published at once for the group; the workspace lists them apart from the lists by
status, which never hold them."""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.accounts import groups
from chalicelib.accounts.model import Account
from chalicelib.core import clock
from chalicelib.core.errors import GroupNotFound
from chalicelib.events import invitations
from chalicelib.events.forms import clean_event
from chalicelib.events.listings import event_listings
from chalicelib.events.model import Event, EventStatus
from chalicelib.events.workspace import store_new

# what a lead fills in for their group's meeting; the rest (themes, questions, the programme) is the
# organisers' to add in the workspace
GROUP_MEETING_FIELDS = (
    "title", "slug", "date", "start", "end", "venue", "room", "address", "capacity", "online_capacity",
    "online_link", "summary", "description",
)  # fmt: skip


def of_groups() -> tuple[list[Event], dict[str, str]]:
    """The working groups' meetings, every status, newest first, and the groups' names by short name:
    the workspace lists them apart, as no list of a status holds them."""
    titles = {group.name: group.title for group in groups.all_groups()}
    return event_listings().of_groups_for_organisers(list(titles)), titles


def delete_group(organiser: Account, group: str) -> None:
    """Remove an empty group; one that still has meetings (of any status) stays."""
    groups.delete(organiser, group, has_meetings=bool(event_listings().of_groups_for_organisers([group])))


def create_for_group(lead: Account, group: str, form: Mapping[str, str]) -> Event:
    """A meeting a lead (or an organiser) makes for their group from its page: published at once, for
    the group only, which is invited. Organisers edit it afterwards in the workspace. GroupNotFound for
    anyone who may not change the group."""
    groups.get(lead, group)  # GroupNotFound unless it exists and they belong to it (or organise)
    if not lead.manages_group(group):
        raise GroupNotFound()
    fields = {name: form.get(name, "") for name in GROUP_MEETING_FIELDS}
    event = Event(**clean_event({**fields, "group": group}, new=True), status=EventStatus.PUBLISHED)
    event.stamp_publication(clock.now())
    store_new(lead.email, "event.created_for_group", event)
    invitations.invite(lead.email, event)
    return event
