"""Registering for an event, the waiting list, and cancelling.

Seats are decided by conditional transactions in RegistrationStore; this
module chooses which transaction to try and sends the mails.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from chalicelib.accounts import rate_limit
from chalicelib.accounts.model import Account
from chalicelib.core import clock, idempotency, observability
from chalicelib.core.errors import (
    Conflict,
    EventNotFound,
    InvalidInput,
    RegistrationClosed,
    RegistrationNotFound,
)
from chalicelib.core.forms import FieldError, raise_if
from chalicelib.core.i18n import _
from chalicelib.core.idempotency import Keyed, Mail, Record, Repeated, given_up_on_fault, key_store
from chalicelib.core.keys import REG_PREFIX
from chalicelib.events.model import AttendanceMode, Event, EventStatus, RegistrationState
from chalicelib.events.store import event_store
from chalicelib.registrations import messages
from chalicelib.registrations.forms import clean_registration, workshop_choices
from chalicelib.registrations.lifecycle import RegistrationStatus
from chalicelib.registrations.model import Registration
from chalicelib.registrations.seats import (
    DuplicateRegistration,
    EventNotOpen,
    SeatAvailable,
    SeatsTaken,
    StaleRegistration,
    WorkshopFull,
    seat_store,
)
from chalicelib.registrations.store import registration_store

log = logging.getLogger(__name__)

# A seat can flip between free and taken while we decide; each flip is another
# racer's success, so a few attempts always suffice in practice.
ATTEMPTS = 5
TOKEN_MAX = 64
_KEY = re.compile(r"^[0-9a-f]{32}$")  # a registration key in organisers' URLs


@dataclass
class Outcome:
    """What registering did. The answer to the visitor is built from `submitted` alone, the same for a new
    registration and for an address that was registered already: whoever typed the address may not read
    its mail, so they learn nothing of the registration behind it (the personal link goes only by mail)."""

    event: Event  # without its programme
    submitted: Registration  # what the visitor typed, as it would be stored
    registration: Registration  # as stored: the new one, or the address's existing one
    created: bool  # False: this address was registered already; its link was mailed again
    mail_failed: bool  # SES refused or could not be reached; past the mail ceiling is not a failure
    # a repeat of a request with the same one-time key, whose first is still sending the mail
    in_progress: bool = False


def of_person(email: str) -> list[Registration]:
    """A member's own registrations, with their events' current title, date and end, newest event first:
    one Query and one BatchGetItem of the events (a person registers for a handful)."""
    registrations = registration_store().for_email(email)
    events = event_store().metas([r.event_slug for r in registrations])
    for reg in registrations:
        if (event := events.get(reg.event_slug)) is not None:
            reg.event_title, reg.event_date, reg.event_ends_at = event.title, event.date.isoformat(), event.ends_at
    return sorted(registrations, key=lambda r: r.event_date, reverse=True)


def register(
    slug: str, form: Mapping[str, str], language: str, key: str = "", viewer: Account | None = None
) -> Outcome:
    """Validate and store a registration: confirmed while seats of the chosen way of taking part (on
    location or online) last, else on that way's waiting list.

    Two DynamoDB requests on the usual path (read the event, one transaction)
    and one SES call. Raises EventNotFound (also for a working group's meeting to `viewer` outside
    the group), RegistrationClosed, InvalidInput.

    With a one-time `key` (a form's hidden value, the API's Idempotency-Key), a repeat of the same
    form registers nothing and mails nothing more: it gets the first one's answer (KeyReused if the
    form differs). That costs one UpdateItem more, noting that the mail went (docs/data-model.md).
    """
    request = idempotency.keyed(f"register\n{slug}", key, form)
    event = event_store().get_meta(slug)
    if event is None or event.status not in (EventStatus.PUBLISHED, EventStatus.CANCELLED):
        raise EventNotFound()
    if not event.visible_to(viewer):
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
    within_ceiling = _count_mail(reg.email)
    try:
        with given_up_on_fault(request):
            _store_new(reg, not event.seats(reg.attendance).is_full, request)
    except DuplicateRegistration as duplicate:
        return _already(event, reg, duplicate.existing, within_ceiling, request)
    except Repeated as repeat:
        if request is None:  # only a keyed request can meet its key's record
            raise
        return _repeat(event, reg, repeat.record, request)
    observability.count("Registrations", status=reg.status)
    # a new registration's confirmation always goes: an address registers once a meeting, so these are few
    sent = messages.send(reg, event, "confirmation")
    if request:
        key_store().settle(request, Mail.SENT if sent else Mail.FAILED)
    return Outcome(event, reg, reg, created=True, mail_failed=not sent)


def _already(
    event: Event, submitted: Registration, existing: Registration, within_ceiling: bool, request: Keyed | None
) -> Outcome:
    """The address was registered already: its link is mailed again. With a one-time key, the key is
    recorded (as mailed) before the mail goes, so that a double click mails once; it then costs the
    calls a new registration costs, which must not tell the two apart. Lost to a crash, this mail
    (the link its owner had before) is the lesser harm than a second one."""
    if request:
        found = key_store().record(request, "already", Mail.SENT, clock.now())
        if found is not None:
            return _repeat(event, submitted, found, request)
    # past the ceiling the link is not mailed again, and the answer does not say so: it would tell
    # that the address is registered. Its owner had the link in this hour's mails already.
    sent = messages.send(existing, event, "already") if within_ceiling else True
    if request and not sent:
        key_store().settle(request, Mail.FAILED)
    return Outcome(event, submitted, existing, created=False, mail_failed=not sent)


def _repeat(event: Event, submitted: Registration, first: Record, request: Keyed) -> Outcome:
    """A registration whose key was recorded by an earlier request: the first one's answer, built as it
    was (from what was typed); the one mail it sends goes now only if no live request holds it and it
    was not sent (the first gave it up after a fault, crashed, or SES refused it)."""
    first.answers(request)
    stored = registration_store().get(event.slug, submitted.sk) or submitted
    outcome = Outcome(event, submitted, stored, created=first.outcome == "confirmation", mail_failed=False)
    now = clock.now()
    if first.mail == Mail.SENT:
        return outcome
    if first.in_hand(now) or not key_store().take_over(request, now):
        outcome.in_progress = True
        return outcome
    sent = messages.send(stored, event, first.outcome)
    key_store().settle(request, Mail.SENT if sent else Mail.FAILED)
    outcome.mail_failed = not sent
    return outcome


def _count_mail(email: str) -> bool:
    """Count the mail this registration sends to the typed address; False past the address's ceiling."""
    try:
        rate_limit.mail_to(email)
    except rate_limit.OverLimit:
        return False
    return True


def _store_new(reg: Registration, seat_free: bool, request: Keyed | None) -> None:
    store = seat_store()
    chosen = dict(reg.workshops)  # the waiting list holds no workshop; a seat given on a retry takes it again
    for _attempt in range(ATTEMPTS):
        try:
            if seat_free:
                reg.status, reg.wait_key, reg.workshops = RegistrationStatus.CONFIRMED, "", dict(chosen)
                store.add_confirmed(reg, request)
            else:
                store.add_waiting(reg, request)
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
        seat_store().change_workshops(reg, chosen)
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


def by_key(slug: str, key: str) -> Registration:
    """A registration by the key organisers' URLs carry (its hash, no address)."""
    reg = registration_store().get(slug, REG_PREFIX + key) if _KEY.match(key) else None
    if reg is None:
        raise RegistrationNotFound()
    return reg
