"""A working group's members are invited to its meeting when it is published: one mail job per meeting
and group, so that saving it again invites nobody twice, while a save after a failed start starts it.
Someone added to a group later hears of it, and of its upcoming meetings, in one mail (`welcome`).

The request records the job (one transaction, one queue message, however large the group); the mail
worker finds the members as they are then and writes each mail.
"""

from __future__ import annotations

from urllib.parse import quote

from chalicelib.accounts import groups, rate_limit
from chalicelib.accounts.group_store import group_store
from chalicelib.accounts.model import Account, AccountStatus, Group
from chalicelib.core import clock, config
from chalicelib.core.i18n import _
from chalicelib.core.keys import email_key
from chalicelib.events.listings import event_listings
from chalicelib.events.model import Event, EventStatus
from chalicelib.events.store import event_store
from chalicelib.mail import jobs
from chalicelib.mail import sending as mail
from chalicelib.mail.kinds import Kind, nothing_after
from chalicelib.mail.model import JobKind, MailJob, Recipient
from chalicelib.mail.store import JobExists

SUBJECT = _("Uitnodiging voor een bijeenkomst van uw werkgroep")
WELCOME = _("U hoort nu bij een werkgroep van het netwerk")


def invite(actor: str, event: Event) -> None:
    """Invite the group's members to a published group meeting, once (JobExists: invited before)."""
    if not event.group or event.status != EventStatus.PUBLISHED:
        return
    try:
        jobs.start(
            JobKind.GROUP_INVITATION,
            actor,
            "event.group_invited",
            clock.now(),
            event=event,
            job_id=f"group-invitation-{event.group}-{event.slug}",
            topics=(event.group,),  # the group invited
        )
    except JobExists:
        return


def _members(job: MailJob) -> list[Recipient]:
    """The group's approved members now; none when the meeting has left the group or was withdrawn."""
    event = event_store().get_meta(job.event_slug)
    group = job.topics[0]
    if event is None or event.group != group or event.status != EventStatus.PUBLISHED:
        return []
    return [
        Recipient(email_key(account.email), account.email, account.name, account.language)
        for account in groups.members_of(group)
        if account.status == AccountStatus.APPROVED
    ]


def _meeting(job: MailJob) -> tuple[Event | None, Group | None]:
    """The meeting and the group it is for, read once per batch."""
    return event_store().get_meta(job.event_slug), group_store().get(job.topics[0])


def _compose(job: MailJob, to: Recipient, meeting: tuple[Event | None, Group | None]) -> bytes | None:
    event, group = meeting
    if event is None or group is None:
        return None
    return mail.compose(
        to.email,
        SUBJECT,
        "group_invitation",
        to.language,
        recipient=to,
        event=event,
        group=group,
        # the meeting exists only for those signed in to the group: the link signs them in first
        link=f"{config.base_url()}/inloggen?next={quote(f'/events/{event.slug}', safe='/')}",
    )


KINDS: dict[JobKind, Kind] = {JobKind.GROUP_INVITATION: Kind(_members, _compose, _meeting, nothing_after)}


def welcome(account: Account, group: str) -> bool:
    """Tell someone just added to a group that they belong to it, with its upcoming meetings (whose
    invitations went before they joined). Within the one ceiling on mail to an address; a mail that
    does not go is no failure of the addition: the group's page shows the same. True if it went."""
    try:
        rate_limit.mail_to(account.email)
    except rate_limit.OverLimit:
        return False
    joined = group_store().get(group)
    if joined is None:
        return False
    return mail.send(
        account.email,
        WELCOME,
        "group_welcome",
        account.language,
        recipient=account,
        group=joined,
        meetings=event_listings().of_group(group, after_key=clock.now().date().isoformat()),
        link=f"{config.base_url()}/inloggen?next={quote(f'/groepen/{group}', safe='/')}",
    )
