"""A registration's life, declared once: its statuses, how each reads and counts, and where it is
listed. Services, stores, views, templates, exports and the API read this module; a new status is
added here (see docs/architecture.md, "A new registration status").
"""

from __future__ import annotations

from enum import StrEnum

from chalicelib.core.i18n import _
from chalicelib.core.vocabulary import words


class RegistrationStatus(StrEnum):
    """What a registration holds: a seat, a place on the waiting list, or nothing any more."""

    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"


class Standing(StrEnum):
    """Where organisers' lists show a registration, and how the overview counts it: its status, with
    the confirmed who were checked in at the door apart from the rest."""

    CONFIRMED = "confirmed"
    ATTENDED = "attended"
    WAITING = "waiting"
    CANCELLED = "cancelled"


def standing_of(status: RegistrationStatus, checked_in: bool) -> Standing:
    return Standing.ATTENDED if status == RegistrationStatus.CONFIRMED and checked_in else Standing(status)


words(
    RegistrationStatus,
    {
        RegistrationStatus.CONFIRMED: _("Bevestigd"),
        RegistrationStatus.WAITING: _("Wachtlijst"),
        RegistrationStatus.CANCELLED: _("Geannuleerd"),
    },
)
words(
    Standing,
    {
        Standing.CONFIRMED: _("Bevestigd"),
        Standing.ATTENDED: _("Aanwezig"),
        Standing.WAITING: _("Wachtlijst"),
        Standing.CANCELLED: _("Geannuleerd"),
    },
)
