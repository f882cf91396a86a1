"""Carrying out the moves of registrations/lifecycle.py: an attendee cancelling through their link,
an organiser cancelling, giving a seat, or checking someone in at the door; and an attendee switching
between on location and online at a hybrid meeting (its standing stays, its way changes).

What a move does follows from where it leads: one that leaves a seat frees it for the first in line
(before the meeting begins), one that takes a seat needs a free one, one that keeps the seat only
changes the standing. Each is one transaction (registrations/seats.py), audited when an organiser
makes it, and mailed to the person as the move declares.
"""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.accounts.model import Account
from chalicelib.audit.store import AuditChange
from chalicelib.core import clock, idempotency, observability
from chalicelib.core.dynamo import Item
from chalicelib.core.errors import AlreadyCancelled, Conflict, NotFound, RegistrationClosed, RegistrationNotFound
from chalicelib.core.i18n import _
from chalicelib.core.idempotency import Keyed, key_store
from chalicelib.events.model import AttendanceMode, Event, EventStatus, RegistrationState
from chalicelib.events.store import event_store
from chalicelib.registrations import messages
from chalicelib.registrations.lifecycle import (
    MOVES,
    STANDINGS,
    Actor,
    Move,
    RegistrationStatus,
    Standing,
    move,
    offered,
    seat_steps,
)
from chalicelib.registrations.model import Registration
from chalicelib.registrations.seats import EventNotOpen, SeatAvailable, SeatsTaken, StaleRegistration, seat_store
from chalicelib.registrations.service import ATTEMPTS, by_key, find
from chalicelib.registrations.store import registration_store
from chalicelib.registrations.switching import switch_store

# the registration, and its event when reading it was needed anyway (else it is read when a move needs it)
Load = Callable[[], tuple[Registration, Event | None]]


class CheckInNotOpen(Conflict):
    message = _(
        "Inchecken kan pas op de dag van de bijeenkomst. Begint de bijeenkomst eerder, open het inchecken "
        "dan op de pagina Inchecken."
    )


def cancel(token: str, key: str = "") -> Registration:
    """The attendee cancels through their personal link (the page's form, the API's DELETE). With a
    one-time `key`, a repeat gets the first one's answer (not "cancelled already") and mails nothing."""
    chosen = next(m for m in MOVES if m.actor == Actor.ATTENDEE and m.target == Standing.CANCELLED)
    return by_attendee(token, chosen, idempotency.keyed(f"cancel\n{token}", key, {}))


def check_in(organiser: Account, slug: str, key: str) -> Registration:
    """Checked in at the door (also when checked in at a workshop first)."""
    door = next(m for m in MOVES if m.at_the_door and m.target == Standing.ATTENDED)
    return by_organiser(organiser, slug, key, door.verb)


def by_attendee(token: str, chosen: Move, request: Keyed | None = None) -> Registration:
    """A move through the personal link, until the meeting begins."""

    def load() -> tuple[Registration, Event | None]:
        reg, event, _position = find(token)
        if not reg.ended and clock.now() >= event.starts_at:
            raise RegistrationClosed(_("Afmelden kan niet meer: de bijeenkomst is al begonnen."))
        return reg, event

    return _carry_out(chosen, load, None, request)


def by_organiser(organiser: Account, slug: str, key: str, verb: str) -> Registration:
    """An organiser's move on a registration, by the word in its URL."""
    chosen = move(Actor.ORGANISER, verb)
    if chosen is None:
        raise NotFound()

    def load() -> tuple[Registration, Event | None]:
        reg = by_key(slug, key)
        if chosen.target != Standing.ATTENDED:
            return reg, None
        event = _event_of(reg)
        require_check_in_open(event)
        return reg, event

    return _carry_out(chosen, load, organiser)


def switchable_to(reg: Registration, event: Event) -> AttendanceMode | None:
    """The other way of taking part this registration may switch to through its link: at a published
    hybrid meeting while registering is open (until its deadline: a switch changes the numbers as a
    registration does), with a seat not yet used at the door or a place in line."""
    open_now = event.registration_state(clock.now()) in (RegistrationState.OPEN, RegistrationState.FULL)
    if not (event.is_hybrid and event.status == EventStatus.PUBLISHED and open_now):
        return None
    if reg.standing not in (Standing.CONFIRMED, Standing.WAITING):
        return None
    return next(mode for mode in event.modes if mode != reg.attendance)


_FULL = {
    AttendanceMode.ONLINE: _("Online is er geen plaats meer vrij. U blijft aangemeld voor deelname op locatie."),
    AttendanceMode.ON_SITE: _("Op locatie is er geen plaats meer vrij. U blijft aangemeld voor online deelname."),
}


def switch_attendance(token: str, target: str) -> Registration:
    """The attendee switches between on location and online through their personal link: one
    transaction (registrations/switching.py) frees what they held and takes a seat of the other way,
    or, for who waits, a place at the end of its waiting list when it has no seat. Someone with a
    seat keeps it when the other way is full: a seat is never traded for a place in line. A switch
    sent again (already made) changes nothing and mails nothing."""
    seat: bool | None = None  # what to try: a seat while the meeting read says one is free
    for _attempt in range(ATTEMPTS):
        reg, event, _position = find(token)
        if reg.attendance == target and not reg.ended:
            return reg
        mode = switchable_to(reg, event)
        if mode is None or mode != target:
            raise Conflict(_("Wisselen tussen online en op locatie kan nu niet voor deze aanmelding."))
        seat = not event.seats(mode).is_full if seat is None else seat
        try:
            return _switch(reg, event, mode, seat)
        except SeatsTaken:
            seat = False  # a seat holder is then refused; who waits, waits there
        except SeatAvailable:
            seat = True
        except StaleRegistration:
            continue  # read again: someone else moved it, or the first in line, meanwhile
    raise Conflict()


def _switch(reg: Registration, event: Event, mode: AttendanceMode, seat: bool) -> Registration:
    had_seat = reg.status == RegistrationStatus.CONFIRMED
    if had_seat and not seat:
        raise Conflict(_FULL[mode])
    promote = registration_store().first_waiting(reg.event_slug, reg.attendance) if had_seat else None
    try:
        after = switch_store().switch(reg, mode, seat, promote, clock.now())
    except EventNotOpen as exc:
        raise RegistrationClosed() from exc
    observability.count("AttendanceSwitches")
    if promote is not None:
        promote.status = RegistrationStatus.CONFIRMED
        messages.send(promote, event, "promoted")
    messages.send(after, event, "switched")
    return after


def require_check_in_open(event: Event) -> None:
    """Nobody is marked present weeks before the meeting (undoing a check-in stays possible)."""
    if not event.check_in_open(clock.now()):
        raise CheckInNotOpen()


def offered_in_list(event: Event, reg: Registration) -> list[Move]:
    """The organisers' moves a row of the registrations list offers: one that takes a seat only while
    a seat of that way of taking part is free."""
    free = event.seats(reg.attendance).places_left > 0
    return [m for m in offered(Actor.ORGANISER, reg.standing) if free or seat_steps(reg.standing, m.target)[0] <= 0]


def _carry_out(chosen: Move, load: Load, organiser: Account | None, request: Keyed | None = None) -> Registration:
    for _attempt in range(ATTEMPTS):
        reg, event = load()
        if reg.standing not in chosen.sources:
            if _made_before(request):
                return reg  # by an earlier request with this key: answered as that one was
            if reg.standing == chosen.target == Standing.CANCELLED:
                raise AlreadyCancelled()
            raise Conflict(chosen.refused)
        seats, waiting = seat_steps(reg.standing, chosen.target)
        if seats == 0 and waiting == 0:
            return _at_the_door(chosen, reg, organiser)  # the seat stays: the meeting is not read
        meeting = event or _event_of(reg)
        try:
            if seats < 0 or (waiting < 0 and seats == 0):
                return _leave(chosen, reg, meeting, organiser, request)
        except StaleRegistration:
            continue  # read again: someone else moved it, or the first in line, meanwhile
        return _take_seat(chosen, reg, meeting, organiser)
    raise Conflict()


def _made_before(request: Keyed | None) -> bool:
    """The move was made by an earlier request with the same one-time key (KeyReused if that one
    sent other content). A read only when the move cannot be made (any more)."""
    if request is None:
        return False
    first = key_store().get(request, clock.now())
    if first is None:
        return False
    first.answers(request)
    return True


def _event_of(reg: Registration) -> Event:
    event = event_store().get_meta(reg.event_slug)
    if event is None:
        raise RegistrationNotFound()
    return event


def _audit(chosen: Move, organiser: Account | None, reg: Registration, before: Item, after: Item) -> AuditChange | None:
    if organiser is None:
        return None
    target = f"{reg.event_slug}/{reg.key}"
    return AuditChange(organiser.email, f"registration.{chosen.name}", target, before, after, clock.now().isoformat())


def _leave(
    chosen: Move, reg: Registration, event: Event, organiser: Account | None, request: Keyed | None
) -> Registration:
    """The registration gives up its seat or its place in line; a freed seat goes to the first in line."""
    status = STANDINGS[chosen.target].status
    seat_freed = STANDINGS[reg.standing].holds_seat and clock.now() < event.starts_at
    promoted = registration_store().first_waiting(reg.event_slug, reg.attendance) if seat_freed else None
    after = {"status": status, "promoted": promoted.key if promoted else ""}
    audit = _audit(chosen, organiser, reg, {"status": reg.status}, after)
    seat_store().release(reg, status, clock.now().isoformat(), promoted, audit, request)
    observability.count("Cancellations")
    if promoted is not None:
        observability.count("Promotions")
        promoted.status = STANDINGS[Standing.CONFIRMED].status
        messages.send(promoted, event, "promoted")
    reg.status = status
    if chosen.mail:  # the person hears of it: from the organiser, or as proof of their own click
        messages.send(reg, event, chosen.mail)
    return reg


def _take_seat(chosen: Move, reg: Registration, event: Event, organiser: Account | None) -> Registration:
    status = STANDINGS[chosen.target].status
    audit = _audit(chosen, organiser, reg, {"status": reg.status}, {"status": status})
    try:
        seat_store().promote(reg, audit)
    except SeatsTaken as exc:
        raise Conflict(_("Er is geen plaats vrij. Verhoog eerst de capaciteit of meld iemand af.")) from exc
    except StaleRegistration as exc:
        raise Conflict() from exc
    observability.count("Promotions")
    reg.status = status
    if chosen.mail:
        messages.send(reg, event, chosen.mail)
    return reg


def _at_the_door(chosen: Move, reg: Registration, organiser: Account | None) -> Registration:
    """Checked in at the door, or not any more: the seat stays, the standing changes."""
    now = clock.now()
    at = now.isoformat() if chosen.target == Standing.ATTENDED else None
    before = {"attended_at": reg.attended_at.isoformat() if reg.attended_at else None}
    audit = _audit(chosen, organiser, reg, before, {"attended_at": at})
    try:
        seat_store().set_attended(reg, at, audit)
    except StaleRegistration as exc:
        raise Conflict() from exc
    reg.attended_at = now if at else None
    return reg
