"""A mail job: one mail to many people, sent by the worker off the request path.

Key layout (single table; see docs/data-model.md):
  JOB#{id} / #JOB              the job: what, by whom, how far (GSI1: JOBS / created_at)
  JOB#{id} / TO#{email hash}   one recipient's mark: claimed before the SES call, then sent or failed;
                               `unknown_outcomes` counts the sends whose outcome was unknown (each is sent once more)
  JOB#{id} / FAILED#{hash}     a recipient that failed for good, with the SES error code
  SUPPRESSED#{hash} / #SUPPRESSED  an address SES reported as bouncing or complaining (GSI1: SUPPRESSED / at)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from chalicelib.core.dynamo import Item
from chalicelib.core.entity import attributes, from_attributes
from chalicelib.core.fields import kept_out
from chalicelib.core.i18n import _
from chalicelib.core.keys import (
    JOB_SK,
    SUPPRESSED_SK,
    job_id_of,
    job_pk,
    jobs_index,
    suppressed_index,
    suppressed_key_of,
    suppressed_pk,
)
from chalicelib.core.vocabulary import words


class JobKind(StrEnum):
    ATTENDEE_MESSAGE = "attendee_message"  # an organiser's message to everyone confirmed
    EVENT_CANCELLED = "event_cancelled"  # everyone confirmed or waiting hears the event is off
    EVENT_CHANGED = "event_changed"  # the seats its new date, time, place or link concerns hear of it
    NEWSLETTER = "newsletter"  # every subscribed member
    REMINDER = "reminder"  # confirmed attendees, a few days before
    EVALUATION = "evaluation"  # the day after: who was checked in (everyone confirmed if nobody was)
    DIGEST = "digest"  # what was published yesterday, to who follows its themes (following/digest.py)
    ACCOUNT_REQUEST = "account_request"  # the organisers: an account request waits for them (accounts/notices.py)
    GROUP_INVITATION = "group_invitation"  # a working group's members: its meeting is published (events/invitations.py)


words(
    JobKind,
    {
        JobKind.ATTENDEE_MESSAGE: _("Bericht aan deelnemers"),
        JobKind.EVENT_CANCELLED: _("Annulering van een bijeenkomst"),
        JobKind.EVENT_CHANGED: _("Wijziging van een bijeenkomst"),
        JobKind.NEWSLETTER: _("Nieuwsbrief"),
        JobKind.REMINDER: _("Herinnering"),
        JobKind.EVALUATION: _("Evaluatie"),
        JobKind.DIGEST: _("Nieuw in gevolgde thema's"),
        JobKind.ACCOUNT_REQUEST: _("Accountaanvraag voor de organisatoren"),
        JobKind.GROUP_INVITATION: _("Uitnodiging voor een werkgroepbijeenkomst"),
    },
)


class JobStatus(StrEnum):
    QUEUED = "queued"  # recorded and on the queue; the worker has not found the recipients yet
    SENDING = "sending"
    DONE = "done"  # every recipient was sent to or failed for good


words(JobStatus, {JobStatus.QUEUED: _("In de wachtrij"), JobStatus.SENDING: _("Bezig"), JobStatus.DONE: _("Klaar")})


class RecipientState(StrEnum):
    CLAIMED = "claimed"  # the worker is sending to them now
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # on the suppression list: not mailed


class SuppressionReason(StrEnum):
    BOUNCE = "bounce"  # a permanent (hard) bounce: the address does not exist or refuses mail
    COMPLAINT = "complaint"  # the recipient marked a mail as spam


# why mail to many skips an address
words(
    SuppressionReason,
    {SuppressionReason.BOUNCE: _("Onbestelbaar (harde bounce)"), SuppressionReason.COMPLAINT: _("Als spam gemeld")},
)


@dataclass
class MailJob:
    """A mailing to many, recorded by a request and sent in batches by the mail worker."""

    id: str = field(metadata=kept_out)  # in the key
    kind: JobKind
    created_by: str
    created_at: datetime
    subject: str = ""  # an organiser's own subject and text (message, newsletter)
    body: str = ""
    event_slug: str = ""
    event_title: str = ""
    day: date | None = None  # a digest's day: what was published then
    topics: tuple[str, ...] = ()  # what a notice is about: which facts of a changed meeting changed
    status: JobStatus = JobStatus.QUEUED
    total: int = 0  # known once the worker has found the recipients
    sent: int = 0
    failed: int = 0
    skipped: int = 0  # recipients on the suppression list
    resent: int = 0  # copies sent again because an earlier send's outcome was unknown (a timeout, a crash)

    @property
    def done(self) -> int:
        return self.sent + self.failed + self.skipped

    def to_item(self) -> Item:
        return {
            "PK": job_pk(self.id),
            "SK": JOB_SK,
            "type": "mail_job",
            **attributes(self),
            # every job, newest first, for /beheer/verzendingen
            "GSI1PK": jobs_index(),
            "GSI1SK": f"{self.created_at.isoformat()}#{self.id}",
        }

    @classmethod
    def from_item(cls, item: Item) -> MailJob:
        return from_attributes(cls, item, id=job_id_of(item["PK"]))


@dataclass(frozen=True)
class Recipient:
    """Who gets one mail of a job, and what the worker needs to write it."""

    key: str  # a hash of the address: the recipient's mark holds no address in its key
    email: str
    name: str
    language: str
    ref: str = ""  # the registration's token, or the account's key
    attendance: str = ""  # a registration's way of taking part: an online seat's mail carries the meeting link

    def to_message(self) -> dict[str, str]:
        return {
            "key": self.key,
            "email": self.email,
            "name": self.name,
            "language": self.language,
            "ref": self.ref,
            "attendance": self.attendance,
        }


@dataclass(frozen=True)
class Failure:
    """A recipient of a mail job whose mail SES refused, with its error code."""

    email: str
    code: str  # the SES error code
    at: datetime


@dataclass
class Suppression:
    """An address that mail to many skips, because SES reported it bounced for good or complained."""

    key: str = field(metadata=kept_out)  # in the key: a hash of the address
    email: str
    reason: SuppressionReason
    detail: str  # the bounce's kind and the receiving server's answer, or the complaint's type
    at: datetime

    def to_item(self) -> Item:
        return {
            "PK": suppressed_pk(self.key),
            "SK": SUPPRESSED_SK,
            "type": "suppression",
            **attributes(self),
            # the list for organisers, newest first
            "GSI1PK": suppressed_index(),
            "GSI1SK": f"{self.at.isoformat()}#{self.key}",
        }

    @classmethod
    def from_item(cls, item: Item) -> Suppression:
        return from_attributes(cls, item, key=suppressed_key_of(item["PK"]))
