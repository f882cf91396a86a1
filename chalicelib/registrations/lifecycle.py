"""A registration's life, declared once: its statuses, where each stands in the organisers' lists and
how it counts, and the moves people may make between them, with what each move does.

Everything else reads this module: the seat transactions take their counter steps from the
standings (`seat_steps`), the service checks a move against `sources` and sends its mail, the
views map URL words to moves (`move`), templates show the moves a row offers (`offered`), the
export and the API show the labels. A new status is added here (docs/architecture.md, "A new
registration status").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from chalicelib.core.i18n import _
from chalicelib.core.vocabulary import words


class RegistrationStatus(StrEnum):
    """What a registration holds, as stored: a seat, a place on the waiting list, or nothing any more."""

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


@dataclass(frozen=True)
class StandingRule:
    label: str  # msgid: how lists, exports and mails name it
    own: str  # msgid: how the person's own page names it (a place in line with its %(position)s)
    status: RegistrationStatus  # what is stored for it (the checked-in are confirmed, with the moment)
    holds_seat: bool  # counts against the capacity of its way of taking part
    waits: bool  # has a place on the waiting list of its way of taking part

    @property
    def ended(self) -> bool:
        """Holds neither a seat nor a place in line: its details no longer count, its calendar entry goes."""
        return not self.holds_seat and not self.waits


# fmt: off
STANDINGS: dict[Standing, StandingRule] = {
    Standing.CONFIRMED: StandingRule(_("Bevestigd"), _("Aangemeld"), RegistrationStatus.CONFIRMED,
                                     holds_seat=True, waits=False),
    Standing.ATTENDED: StandingRule(_("Aanwezig"), _("Aanwezig (ingecheckt)"), RegistrationStatus.CONFIRMED,
                                    holds_seat=True, waits=False),
    Standing.WAITING: StandingRule(_("Wachtlijst"), _("Op de wachtlijst, plaats %(position)s"),
                                   RegistrationStatus.WAITING, holds_seat=False, waits=True),
    Standing.CANCELLED: StandingRule(_("Geannuleerd"), _("Geannuleerd"), RegistrationStatus.CANCELLED,
                                     holds_seat=False, waits=False),
}
# fmt: on


def standing_of(status: RegistrationStatus, checked_in: bool) -> Standing:
    return Standing.ATTENDED if status == RegistrationStatus.CONFIRMED and checked_in else Standing(status)


def seat_steps(source: Standing, target: Standing) -> tuple[int, int]:
    """How a move changes its way's counters: (confirmed seats, places on the waiting list)."""
    before, after = STANDINGS[source], STANDINGS[target]
    return int(after.holds_seat) - int(before.holds_seat), int(after.waits) - int(before.waits)


@dataclass(frozen=True)
class Confirmation:
    """What an organiser is asked before a move that takes away someone's seat and mails them (msgids,
    with %(name)s for the person)."""

    question: str
    consequence: str
    yes: str


class Actor(StrEnum):
    ATTENDEE = "attendee"  # through the personal link (the mail is the proof)
    ORGANISER = "organiser"


@dataclass(frozen=True)
class Move:
    """A change someone may make to a registration: from which standings, to which, and what follows.
    A seat a move frees goes to the first in line of the same way of taking part (before the meeting
    begins); an organiser's move is written to the audit log as `registration.{name}`."""

    name: str
    actor: Actor
    verb: str  # the word in its URL: /beheer/.../aanmeldingen/{key}/{verb}, /r/{token}/{verb}
    sources: tuple[Standing, ...]
    target: Standing
    button: str  # msgid: the button that makes it
    refused: str  # msgid: why it cannot be made from any other standing
    mail: str = ""  # the mail the person gets (registrations/messages.py SUBJECTS), if any
    confirm: Confirmation | None = None  # asked once more first
    at_the_door: bool = False  # offered on the check-in page, not in the list of registrations


# fmt: off
MOVES: tuple[Move, ...] = (
    Move("cancelled", Actor.ATTENDEE, "annuleren", (Standing.CONFIRMED, Standing.ATTENDED, Standing.WAITING),
         Standing.CANCELLED,
         _("Afmelden"), _("Deze aanmelding is al geannuleerd."), mail="cancelled"),
    Move("promoted", Actor.ORGANISER, "promoveren", (Standing.WAITING,), Standing.CONFIRMED,
         _("Plaats geven"), _("Deze persoon staat niet (meer) op de wachtlijst."), mail="promoted"),
    Move("cancelled", Actor.ORGANISER, "annuleren", (Standing.CONFIRMED, Standing.WAITING), Standing.CANCELLED,
         _("Annuleren"),
         _("Wie aanwezig is gemeld, kan niet worden geannuleerd. Meld de persoon eerst afwezig."),
         mail="cancelled_by_organiser",
         confirm=Confirmation(_("Aanmelding van %(name)s annuleren?"),
                              _("%(name)s krijgt een e-mail dat de organisatie de aanmelding heeft geannuleerd."),
                              _("Ja, annuleer deze aanmelding"))),
    Move("attended", Actor.ORGANISER, "aanwezig", (Standing.CONFIRMED, Standing.ATTENDED), Standing.ATTENDED,
         _("Aanwezig"), _("Alleen bevestigde aanmeldingen kunnen aanwezig worden gemeld."), at_the_door=True),
    Move("not_attended", Actor.ORGANISER, "afwezig", (Standing.CONFIRMED, Standing.ATTENDED), Standing.CONFIRMED,
         _("Ongedaan maken"), _("Alleen bevestigde aanmeldingen kunnen aanwezig worden gemeld."), at_the_door=True),
)
# fmt: on


def move(actor: Actor, verb: str) -> Move | None:
    """The move a URL's word names for this actor, or None."""
    return next((m for m in MOVES if m.actor == actor and m.verb == verb), None)


def offered(actor: Actor, standing: Standing, at_the_door: bool = False) -> list[Move]:
    """The moves a registration in `standing` offers to `actor`, at the door or in the list."""
    return [
        m
        for m in MOVES
        if m.actor == actor and m.at_the_door == at_the_door and standing in m.sources and m.target != standing
    ]


words(RegistrationStatus, {status: STANDINGS[Standing(status)].label for status in RegistrationStatus})
words(Standing, {standing: rule.label for standing, rule in STANDINGS.items()})
