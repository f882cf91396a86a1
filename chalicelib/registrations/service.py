"""Registering for an event, the waiting list, and cancelling.

Seats are decided by conditional transactions in RegistrationStore; this
module chooses which transaction to try and sends the mails.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from chalicelib.accounts import rate_limit
from chalicelib.accounts.model import Account
from chalicelib.audit.store import audit_entry
from chalicelib.core import clock, observability
from chalicelib.core.errors import (
    AlreadyCancelled,
    Conflict,
    EventNotFound,
    InvalidInput,
    RegistrationClosed,
    RegistrationNotFound,
)
from chalicelib.core.forms import FieldError, raise_if
from chalicelib.core.i18n import _
from chalicelib.core.keys import REG_PREFIX, email_key
from chalicelib.events.model import AttendanceMode, Event, EventStatus, RegistrationState
from chalicelib.events.store import event_store
from chalicelib.registrations import messages
from chalicelib.registrations.forms import clean_registration, workshop_choices
from chalicelib.registrations.lifecycle import RegistrationStatus
from chalicelib.registrations.model import Registration
from chalicelib.registrations.store import (
    DuplicateRegistration,
    EventNotOpen,
    SeatAvailable,
    SeatsTaken,
    StaleRegistration,
    WorkshopFull,
    registration_store,
)

log = logging.getLogger(__name__)

# A seat can flip between free and taken while we decide; each flip is another
# racer's success, so a few attempts always suffice in practice.
ATTEMPTS = 5
TOKEN_MAX = 64
RESENDS_PER_HOUR = 3
_KEY = re.compile(r"^[0-9a-f]{32}$")  # a registration key in organisers' URLs


@dataclass
class Outcome:
    """What registering did: the registration, whether it is new, and whether its mail went out."""

    registration: Registration
    created: bool  # False: this address was registered already; the link was sent again
    mail_sent: bool


def of_person(email: str) -> list[Registration]:
    """A member's own registrations, with their events' current title and date, newest event first:
    one Query and one BatchGetItem of the events (a person registers for a handful)."""
    registrations = registration_store().for_email(email)
    events = event_store().metas([r.event_slug for r in registrations])
    for reg in registrations:
        if (event := events.get(reg.event_slug)) is not None:
            reg.event_title, reg.event_date = event.title, event.date.isoformat()
    return sorted(registrations, key=lambda r: r.event_date, reverse=True)


def register(slug: str, form: Mapping[str, str], language: str) -> Outcome:
    """Validate and store a registration: confirmed while seats of the chosen way of taking part (on
    location or online) last, else on that way's waiting list.

    Two DynamoDB requests on the usual path (read the event, one transaction)
    and one SES call. Raises EventNotFound, RegistrationClosed, InvalidInput.
    """
    event = event_store().get_meta(slug)
    if event is None or event.status not in (EventStatus.PUBLISHED, EventStatus.CANCELLED):
        raise EventNotFound()
    if event.registration_state(clock.now()) in (RegistrationState.CLOSED, RegistrationState.CANCELLED):
        raise RegistrationClosed()
    # workshops are chosen with a seat on location; who waits (or follows online) chooses none
    on_site_free = not event.seats(AttendanceMode.ON_SITE).is_full
    data = clean_registration(form, event.roles, event.questions, event.modes, event if on_site_free else None)
    reg = Registration(
        event_slug=slug,
        token=secrets.token_urlsafe(32),
        name=data.name,
        email=data.email,
        organisation=data.organisation,
        role=data.role,
        remarks=data.remarks,
        answers=data.answers,
        counted=data.counted,
        attendance=data.attendance,
        workshops=data.workshops,
        language=language,
        created_at=clock.now(),
        event_title=event.title,
        event_date=event.date.isoformat(),
    )
    try:
        _store_new(reg, seat_free=not event.seats(reg.attendance).is_full)
    except DuplicateRegistration as duplicate:
        return Outcome(duplicate.existing, created=False, mail_sent=_resend(duplicate.existing, event))
    observability.count("Registrations", status=reg.status)
    return Outcome(reg, created=True, mail_sent=messages.send(reg, event, "confirmation"))


def _resend(reg: Registration, event: Event) -> bool:
    """Mail the link again, a few times an hour at most: anyone can type someone's address."""
    try:
        rate_limit.count({f"resend#{event.slug}#{email_key(reg.email)}": RESENDS_PER_HOUR}, 3600)
    except rate_limit.OverLimit:
        return False
    return messages.send(reg, event, "already")


def _store_new(reg: Registration, seat_free: bool) -> None:
    store = registration_store()
    chosen = dict(reg.workshops)  # the waiting list holds no workshop; a seat given on a retry takes it again
    for _attempt in range(ATTEMPTS):
        try:
            if seat_free:
                reg.status, reg.wait_key, reg.workshops = RegistrationStatus.CONFIRMED, "", dict(chosen)
                store.add_confirmed(reg)
            else:
                store.add_waiting(reg)
            return
        except SeatsTaken:
            seat_free = False
        except SeatAvailable:
            seat_free = True
        except WorkshopFull as full:
            raise _workshop_full(full) from full
        except EventNotOpen as exc:
            raise RegistrationClosed() from exc
        except StaleRegistration:
            continue
    raise Conflict()


def _workshop_full(full: WorkshopFull) -> InvalidInput:
    return InvalidInput({f"round_{full.position}": FieldError(_("Deze workshop is net vol geraakt. Kies een andere."))})


def can_choose_workshops(reg: Registration, event: Event) -> bool:
    """A confirmed seat on location chooses its workshops, and changes them, until the meeting begins."""
    return (
        bool(event.round_positions)
        and reg.status == RegistrationStatus.CONFIRMED
        and reg.attendance == AttendanceMode.ON_SITE
        and event.status == EventStatus.PUBLISHED
        and clock.now() < event.starts_at
    )


def choose_workshops(token: str, form: Mapping[str, str]) -> Registration:
    """Choose or change one's workshops through the personal link, while the chosen ones have seats:
    one transaction frees the old seats and takes the new."""
    reg, event, _position = find(token)
    if not can_choose_workshops(reg, event):
        raise Conflict(_("Een workshop kiezen kan alleen met een bevestigde plaats op locatie, vóór het begin."))
    errors: dict[str, FieldError] = {}
    chosen = workshop_choices(form, event, errors, held=reg.workshops)
    raise_if(errors, tuple(slot.field for slot in event.rounds))
    try:
        registration_store().change_workshops(reg, chosen)
    except WorkshopFull as full:
        raise _workshop_full(full) from full
    except (StaleRegistration, EventNotOpen) as exc:
        raise Conflict() from exc
    reg.workshops = chosen
    return reg


def find(token: str) -> tuple[Registration, Event, int | None]:
    """The registration behind a personal link, its event, and its waiting-list position."""
    if not token or len(token) > TOKEN_MAX:
        raise RegistrationNotFound()
    reg = registration_store().by_token(token)
    if reg is None:
        raise RegistrationNotFound()
    event = event_store().get(reg.event_slug)
    if event is None:
        raise RegistrationNotFound()
    position = registration_store().waiting_position(reg) if reg.status == RegistrationStatus.WAITING else None
    return reg, event, position


def cancel(token: str) -> Registration:
    """Cancel through the personal link; a freed seat goes to the first in line, atomically."""

    def load() -> tuple[Registration, Event]:
        reg, event, _position = find(token)
        if reg.status != RegistrationStatus.CANCELLED and clock.now() >= event.starts_at:
            raise RegistrationClosed(_("Afmelden kan niet meer: de bijeenkomst is al begonnen."))
        return reg, event

    return _cancel(load, actor=None)


def by_key(slug: str, key: str) -> Registration:
    """A registration by the key organisers' URLs carry (its hash, no address)."""
    reg = registration_store().get(slug, REG_PREFIX + key) if _KEY.match(key) else None
    if reg is None:
        raise RegistrationNotFound()
    return reg


def _with_event(slug: str, key: str) -> tuple[Registration, Event]:
    reg, event = by_key(slug, key), event_store().get_meta(slug)
    if event is None:
        raise RegistrationNotFound()
    return reg, event


def cancel_by_organiser(organiser: Account, slug: str, key: str) -> Registration:
    """An organiser cancels someone (audited, and the person is told). Before the event
    the seat goes to the first in line, as when people cancel themselves."""

    def load() -> tuple[Registration, Event]:
        reg, event = _with_event(slug, key)
        if reg.attended_at is not None:
            raise Conflict(_("Wie aanwezig is gemeld, kan niet worden geannuleerd. Meld de persoon eerst afwezig."))
        return reg, event

    return _cancel(load, actor=organiser)


def _cancel(load: Callable[[], tuple[Registration, Event]], actor: Account | None) -> Registration:
    registrations = registration_store()
    for _attempt in range(ATTEMPTS):
        reg, event = load()
        if reg.status == RegistrationStatus.CANCELLED:
            raise AlreadyCancelled()
        seat_freed = reg.status == RegistrationStatus.CONFIRMED and clock.now() < event.starts_at
        promoted = registrations.first_waiting(reg.event_slug, reg.attendance) if seat_freed else None
        audit = None
        if actor is not None:
            after = {"status": RegistrationStatus.CANCELLED, "promoted": promoted.key if promoted else ""}
            audit = audit_entry(
                actor.email,
                "registration.cancelled",
                f"{event.slug}/{reg.key}",
                {"status": reg.status},
                after,
                clock.now().isoformat(),
            )
        try:
            registrations.cancel(reg, clock.now().isoformat(), promoted, audit)
        except StaleRegistration:
            continue
        observability.count("Cancellations")
        if promoted is not None:
            observability.count("Promotions")
            promoted.status = RegistrationStatus.CONFIRMED
            messages.send(promoted, event, "promoted")
        reg.status = RegistrationStatus.CANCELLED
        # the person hears of it either way: from the organiser, or as proof of their own click
        messages.send(reg, event, "cancelled" if actor is None else "cancelled_by_organiser")
        return reg
    raise Conflict()


def promote(organiser: Account, slug: str, key: str) -> Registration:
    """An organiser gives someone on the waiting list a free seat; they get the usual mail."""
    reg, event = _with_event(slug, key)
    if reg.status != RegistrationStatus.WAITING:
        raise Conflict(_("Deze persoon staat niet (meer) op de wachtlijst."))
    entry = audit_entry(
        organiser.email,
        "registration.promoted",
        f"{slug}/{reg.key}",
        {"status": RegistrationStatus.WAITING},
        {"status": RegistrationStatus.CONFIRMED},
        clock.now().isoformat(),
    )
    try:
        registration_store().promote(reg, entry)
    except SeatsTaken as exc:
        raise Conflict(_("Er is geen plaats vrij. Verhoog eerst de capaciteit of meld iemand af.")) from exc
    except StaleRegistration as exc:
        raise Conflict() from exc
    observability.count("Promotions")
    reg.status = RegistrationStatus.CONFIRMED
    messages.send(reg, event, "promoted")
    return reg
