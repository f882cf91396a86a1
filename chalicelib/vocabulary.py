"""The portal's words for states and roles, in one place for the templates.

Each enum lives next to its entity; this module gathers them so that templates
compare with `EventStatus.DRAFT` rather than a bare "draft", and says how the
statuses and access levels read on organisers' pages.
"""

from __future__ import annotations

from enum import StrEnum

from chalicelib.accounts.model import Access, AccountStatus
from chalicelib.core.i18n import _
from chalicelib.evaluations.model import FormState
from chalicelib.events.model import AttendanceMode, EventStatus, QuestionKind, RegistrationState
from chalicelib.exports.model import ExportFormat, ExportKind, ExportStatus
from chalicelib.library.model import FileType, MaterialAccess, MaterialStatus
from chalicelib.mail.model import JobKind, JobStatus, SuppressionReason
from chalicelib.registrations.model import ATTENDED, RegistrationStatus

ENUMS: dict[str, type[StrEnum]] = {
    e.__name__: e
    for e in (
        EventStatus,
        RegistrationState,
        RegistrationStatus,
        AccountStatus,
        Access,
        MaterialStatus,
        MaterialAccess,
        FileType,
        JobKind,
        JobStatus,
        SuppressionReason,
        ExportStatus,
        ExportKind,
        ExportFormat,
        FormState,
        QuestionKind,
        AttendanceMode,
    )
}

# how statuses of events and registrations read on organisers' pages
STATUS_LABELS: dict[str, str] = {
    EventStatus.DRAFT: _("Concept"),
    EventStatus.PUBLISHED: _("Gepubliceerd"),
    EventStatus.CANCELLED: _("Geannuleerd"),  # a cancelled registration reads the same
    RegistrationStatus.CONFIRMED: _("Bevestigd"),
    RegistrationStatus.WAITING: _("Wachtlijst"),
    ATTENDED: _("Aanwezig"),
}
# who may open a material
ACCESS_LABELS: dict[str, str] = {
    MaterialAccess.PUBLIC: _("Iedereen"),
    MaterialAccess.MEMBERS: _("Leden"),
    MaterialAccess.ATTENDEES: _("Deelnemers van de bijeenkomst"),
    MaterialAccess.ORGANISERS: _("Alleen organisatoren"),
}
# what a mail job is, and how far it got
JOB_KIND_LABELS: dict[str, str] = {
    JobKind.ATTENDEE_MESSAGE: _("Bericht aan deelnemers"),
    JobKind.EVENT_CANCELLED: _("Annulering van een bijeenkomst"),
    JobKind.NEWSLETTER: _("Nieuwsbrief"),
    JobKind.REMINDER: _("Herinnering"),
    JobKind.EVALUATION: _("Evaluatie"),
    JobKind.DIGEST: _("Nieuw in gevolgde thema's"),
}
# how someone takes part
ATTENDANCE_LABELS: dict[str, str] = {
    AttendanceMode.ON_SITE: _("Op locatie"),
    AttendanceMode.ONLINE: _("Online"),
}
QUESTION_KIND_LABELS: dict[str, str] = {
    QuestionKind.SHORT: _("Korte tekst"),
    QuestionKind.LONG: _("Lange tekst"),
    QuestionKind.CHOICE: _("Eén keuze"),
    QuestionKind.CHOICES: _("Meer keuzes"),
    QuestionKind.YES_NO: _("Ja of nee"),
}
JOB_STATUS_LABELS: dict[str, str] = {
    JobStatus.QUEUED: _("In de wachtrij"),
    JobStatus.SENDING: _("Bezig"),
    JobStatus.DONE: _("Klaar"),
}
# why mail to many skips an address
SUPPRESSION_REASON_LABELS: dict[str, str] = {
    SuppressionReason.BOUNCE: _("Onbestelbaar (harde bounce)"),
    SuppressionReason.COMPLAINT: _("Als spam gemeld"),
}
