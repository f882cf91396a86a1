"""The evaluation mail the day after a meeting, as a kind of mail job (the mail worker sends it)."""

from __future__ import annotations

from chalicelib.core.i18n import _
from chalicelib.evaluations.model import closes_at
from chalicelib.events.model import AttendanceMode, Event
from chalicelib.mail import sending as mail
from chalicelib.mail.kinds import Kind, nothing_after
from chalicelib.mail.model import JobKind, MailJob, Recipient
from chalicelib.registrations.lifecycle import RegistrationStatus
from chalicelib.registrations.messages import event_of, manage_url, recipient
from chalicelib.registrations.store import registration_store


def _evaluators(job: MailJob) -> list[Recipient]:
    """Who was checked in, and those with an online seat (no door to check in at); if nobody was
    checked in at all, everyone confirmed."""
    confirmed = [
        r for r in registration_store().list_for_event(job.event_slug) if r.status == RegistrationStatus.CONFIRMED
    ]
    if any(r.attended_at for r in confirmed):
        confirmed = [r for r in confirmed if r.attended_at or r.attendance == AttendanceMode.ONLINE]
    return [recipient(r) for r in confirmed]


def _evaluation(job: MailJob, to: Recipient, event: Event) -> bytes:
    return mail.compose(
        to.email,
        _("Wat vond u van %(title)s?"),
        "evaluation",
        to.language,
        subject_params={"title": event.title},
        registration=to,
        event=event,
        evaluation_url=f"{manage_url(to.ref)}/evaluatie",
        closes=closes_at(job.created_at).date(),
    )


KINDS: dict[JobKind, Kind] = {JobKind.EVALUATION: Kind(_evaluators, _evaluation, event_of, nothing_after)}
