"""A working group's members are invited to its meeting when it is published: one mail job per meeting
and group, so that saving it again invites nobody twice, while a save after a failed start starts it.

The request records the job (one transaction, one queue message, however large the group); the mail
worker finds the members as they are then and writes each mail.
"""

from __future__ import annotations

from urllib.parse import quote

from chalicelib.accounts import groups
from chalicelib.accounts.model import AccountStatus
from chalicelib.core import clock, config
from chalicelib.core.i18n import _
from chalicelib.core.keys import email_key
from chalicelib.events.model import Event, EventStatus
from chalicelib.events.store import event_store
from chalicelib.mail import jobs
from chalicelib.mail import sending as mail
from chalicelib.mail.kinds import Kind, nothing_after
from chalicelib.mail.model import JobKind, MailJob, Recipient
from chalicelib.mail.store import JobExists

SUBJECT = _("Uitnodiging voor een bijeenkomst van uw werkgroep")


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


def _event(job: MailJob) -> Event | None:
    return event_store().get_meta(job.event_slug)


def _compose(job: MailJob, to: Recipient, event: Event | None) -> bytes | None:
    if event is None:
        return None
    return mail.compose(
        to.email,
        SUBJECT,
        "group_invitation",
        to.language,
        recipient=to,
        event=event,
        # the meeting exists only for those signed in to the group: the link signs them in first
        link=f"{config.base_url()}/inloggen?next={quote(f'/events/{event.slug}', safe='/')}",
    )


KINDS: dict[JobKind, Kind] = {JobKind.GROUP_INVITATION: Kind(_members, _compose, _event, nothing_after)}
