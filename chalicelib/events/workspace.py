"""Organisers' work on events: create, edit, publish, unpublish, cancel, and the programme.

Every change is one DynamoDB transaction with its audit entry (before and
after), conditional on the version the organiser read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from enum import StrEnum

from chalicelib.accounts import groups
from chalicelib.accounts.model import Account
from chalicelib.audit.store import AuditChange
from chalicelib.core import clock, config, richtext
from chalicelib.core.dynamo import Item
from chalicelib.core.errors import Conflict, InvalidInput, NotFound
from chalicelib.core.forms import FieldError
from chalicelib.core.i18n import _
from chalicelib.core.paging import Page
from chalicelib.core.vocabulary import words
from chalicelib.events import invitations
from chalicelib.events.forms import clean_event, clean_slot
from chalicelib.events.listings import event_listings
from chalicelib.events.model import SEAT_COUNTERS, Event, EventStatus
from chalicelib.events.store import MAX_SLOTS, CapacityBelowConfirmed, SlugTaken, StaleEvent, event_store
from chalicelib.mail import jobs
from chalicelib.mail.model import JobKind, MailJob
from chalicelib.mail.store import JobExists

# action in the URL -> (statuses it may start from, status it leads to)
TRANSITIONS = {
    "publiceren": ((EventStatus.DRAFT,), EventStatus.PUBLISHED),
    "depubliceren": ((EventStatus.PUBLISHED,), EventStatus.DRAFT),
    "annuleren": ((EventStatus.DRAFT, EventStatus.PUBLISHED), EventStatus.CANCELLED),
}


class MeetingChange(StrEnum):
    """A change to a meeting that its attendees may need to hear of (registrations/messages.py says whom
    each concerns)."""

    TIME = "time"
    PLACE = "place"
    LINK = "link"


words(MeetingChange)  # the change notice's template tells them apart

# the event's fields behind each: a saved edit that changes one of them offers to mail the attendees
CHANGE_FIELDS = {
    MeetingChange.TIME: ("date", "start", "end"),
    MeetingChange.PLACE: ("venue", "room", "address"),
    MeetingChange.LINK: ("online_link",),
}

# the status changes whose buttons submit the event's form (cancelling asks first, on a page of its own)
WITH_THE_FORM = ("publiceren", "depubliceren")
STALE = _("Iemand anders heeft deze bijeenkomst intussen gewijzigd. Open haar opnieuw en probeer het nog eens.")


class OutdatedNotice(Conflict):
    """The change notice confirmed was previewed before the event was saved again (in another tab, or by
    another organiser): its mail would not say what was shown."""

    message = _("De bijeenkomst is opgeslagen na dit voorbeeld. Hieronder staat de e-mail met de gegevens van nu.")


def all_events() -> list[Event]:
    """Every event, working groups' too (`manage.py`; never a page, which reads one page of a status)."""
    listings = event_listings()
    of_groups = listings.of_groups_for_organisers([group.name for group in groups.all_groups()])
    return sorted(listings.all_for_organisers() + of_groups, key=lambda e: (e.date, e.start), reverse=True)


def events_page(query: Mapping[str, str]) -> tuple[EventStatus, Page[Event]]:
    """One page of the organisers' list: the events with one status, newest first."""
    wanted = query.get("status", "")
    status = next((s for s in EventStatus if s == wanted), EventStatus.PUBLISHED)
    return status, event_listings().of_status(status, config.list_page_size(), query.get("na") or None)


def get(slug: str) -> Event:
    event = event_store().get(slug) if 0 < len(slug) <= 80 else None
    if event is None:
        raise NotFound()
    return event


def snapshot(event: Event) -> Item:
    item = event.to_item()
    # description_html follows the description, workshop_names the programme: the audit log shows what changed
    derived = ("PK", "SK", "type", "description_html", "workshop_names")
    kept = {k: v for k, v in item.items() if k not in derived and not k.startswith("GSI")}
    programme = [
        {
            "start": s.start,
            "end": s.end,
            "title": s.title,
            "speakers": [p.name for p in s.speakers],
            **({"sessions": [f"{w.title} ({w.room}, {w.capacity})" for w in s.workshops]} if s.workshops else {}),
        }
        for s in event.programme
    ]
    return kept | {"programme": programme}


def _changes(before: Item, after: Item) -> tuple[Item, Item]:
    keys = [
        k for k in after if before.get(k) != after.get(k) and k not in ("version", "workshops_taken", *SEAT_COUNTERS)
    ]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def write(organiser: Account, event: Event, action: str, before: Item, removed: tuple[int, ...] = ()) -> None:
    read = set(event.workshop_seats)  # the sessions as the organiser's page showed them
    follow_programme(event)
    render_description(event)
    if before.get("status") != EventStatus.PUBLISHED:
        event.stamp_publication(clock.now())
    old, new = _changes(before, snapshot(event))
    entry = AuditChange(organiser.email, action, event.slug, old, new, clock.now().isoformat())
    try:
        event_store().update(event, entry, removed, held_workshops=read)
    except StaleEvent as exc:
        raise Conflict(STALE) from exc
    invitations.invite(organiser.email, event)


def render_description(event: Event) -> None:
    """The description's HTML, sanitised, on the event's own item: read with it, shown as it is."""
    event.description_html = str(richtext.render(event.description)) if event.description else ""


def follow_programme(event: Event) -> None:
    """The workshop sessions' capacities on the event's own item, where registrations' conditions read
    them, and what mails name them by (their title, time and room)."""
    event.workshop_seats = {
        slot.key_of(session): session.capacity for slot in event.rounds for session in slot.workshops
    }
    event.workshop_names = {
        slot.key_of(session): [session.title, slot.start, slot.end, session.room]
        for slot in event.rounds
        for session in slot.workshops
    }


def create(organiser: Account, form: Mapping[str, str]) -> Event:
    event = Event(**clean_event(form, new=True), status=EventStatus.DRAFT)  # published when the programme is ready
    store_new(organiser.email, "event.created", event)
    return event


def store_new(actor: str, action: str, event: Event) -> None:
    """Store a new event with its audit entry; a slug in use is a message at the slug's field."""
    render_description(event)
    entry = AuditChange(actor, action, event.slug, {}, snapshot(event), clock.now().isoformat())
    try:
        event_store().create(event, entry)
    except SlugTaken as exc:
        raise InvalidInput(
            {"slug": FieldError(_("Er is al een bijeenkomst met dit webadres. Kies een ander."))}
        ) from exc


def expect_version(event: Event, form: Mapping[str, str]) -> None:
    """The form carries the version it showed; an older one would undo someone else's change."""
    if form.get("version", "") != str(event.version):
        raise Conflict(STALE)


def update(
    organiser: Account, slug: str, form: Mapping[str, str], action: str = ""
) -> tuple[Event, tuple[MeetingChange, ...]]:
    """Save the form's values; the event as saved, and the changes to it that attendees may need to hear
    of. With `action` (publish, or back to draft: buttons of the form itself), the status changes in the
    same write, so that nothing typed is lost."""
    event = get(slug)
    expect_version(event, form)
    values = clean_event(form, new=False)  # without the slug: it is the event's key and never changes
    before = snapshot(event)
    for name, value in values.items():
        setattr(event, name, value)
    change = "event.updated"
    if action:
        if action not in WITH_THE_FORM:
            raise NotFound()
        event.status = _target(event, action)
        change = f"event.{event.status}"
    try:
        write(organiser, event, change, before)
    except CapacityBelowConfirmed as low:
        raise _capacity_below(low) from low
    after = snapshot(event)
    changed = tuple(c for c, names in CHANGE_FIELDS.items() if any(before.get(n) != after.get(n) for n in names))
    return event, changed


def parse_changes(text: str) -> tuple[MeetingChange, ...]:
    """Changes as a URL or form names them ("time,place"), in their declared order; unknown names are left out."""
    named = set(text.split(","))
    return tuple(change for change in MeetingChange if change in named)


def mail_change(
    organiser: Account, slug: str, changes: tuple[MeetingChange, ...], version: str
) -> tuple[Event, MailJob]:
    """Start the one mail job that tells the attendees concerned of a saved change. The job is named
    after the event's version the organiser previewed and the changes it tells of, so a second click
    (or a reload of the form) starts nothing more: it returns the job started first. Two notices of one
    version (one previewed again after OutdatedNotice, one from the save in between) are two jobs."""
    event = get(slug)
    if version != str(event.version):
        raise OutdatedNotice()
    if not changes or event.status == EventStatus.CANCELLED:
        raise Conflict(_("Dat kan niet bij een bijeenkomst met deze status."))
    job_id = f"changed-{slug}-v{version}-{'-'.join(changes)}"
    try:
        job = jobs.start(
            JobKind.EVENT_CHANGED,
            organiser.email,
            "event.change_mailed",
            clock.now(),
            event=event,
            job_id=job_id,
            topics=tuple(changes),
        )
    except JobExists:
        job = jobs.get(job_id)
    return event, job


def import_event(actor: str, event: Event, now: datetime) -> None:
    """Create or replace an event from an import file, written as an organiser's edit is.

    A replacement is conditional on the version read and leaves the seat counters
    to registration, so re-importing a live event never loses a registration.
    Slots missing from the file are removed. Raises Conflict if the event changed
    meanwhile, InvalidInput if its new capacity is below the places confirmed.
    """
    follow_programme(event)
    render_description(event)
    store = event_store()
    existing = store.get(event.slug)
    event.published_at = existing.published_at if existing else None
    if existing is None or existing.status != EventStatus.PUBLISHED:
        event.stamp_publication(now)
    if existing is None:
        entry = AuditChange(actor, "event.imported", event.slug, {}, snapshot(event), now.isoformat())
        try:
            store.create(event, entry)
        except SlugTaken as exc:
            raise Conflict(STALE) from exc
        invitations.invite(actor, event)
        return
    event.version = existing.version
    # the seats people took, so that the edit's condition keeps every session they chose (see EventStore.update)
    event.workshops_taken = existing.workshops_taken
    dropped = [key for key, n in existing.workshops_taken.items() if n and key not in event.workshop_seats]
    if dropped:
        message = _(
            "Mensen kozen een workshop die hier ontbreekt (%(other)s): houd die, met haar id, in het programma."
        )
        raise InvalidInput({"programme": FieldError(message, other=", ".join(sorted(dropped)))})
    kept = {slot.position for slot in event.programme}
    removed = tuple(slot.position for slot in existing.programme if slot.position not in kept)
    old, new = _changes(snapshot(existing), snapshot(event))
    try:
        store.update(event, AuditChange(actor, "event.imported", event.slug, old, new, now.isoformat()), removed)
    except StaleEvent as exc:
        raise Conflict(STALE) from exc
    except CapacityBelowConfirmed as low:
        raise _capacity_below(low) from low
    invitations.invite(actor, event)


def _capacity_below(low: CapacityBelowConfirmed) -> InvalidInput:
    if low.waiting:
        message = _(
            "Voor deze plaatsen staan nog mensen op de wachtlijst (%(max)d). Geef ze eerst een plaats of meld ze af."
        )
        return InvalidInput({low.field: FieldError(message, low.waiting)})
    message = _("Bevestigde plaatsen nu: %(max)d. Meld eerst mensen af of kies een hogere capaciteit.")
    return InvalidInput({low.field: FieldError(message, low.confirmed)})


def change_status(organiser: Account, slug: str, action: str, version: str) -> tuple[Event, MailJob | None]:
    """Publish, unpublish or cancel; cancelling queues a mail to everyone registered or waiting.

    Returns the event, and the mail job when one was started.
    """
    if action not in TRANSITIONS:
        raise NotFound()
    event = get(slug)
    if version != str(event.version):
        raise Conflict(STALE)
    target = _target(event, action)
    before = snapshot(event)
    event.status = target
    write(organiser, event, f"event.{target}", before)
    if target != EventStatus.CANCELLED:
        return event, None
    return event, jobs.start(
        JobKind.EVENT_CANCELLED, organiser.email, "event.cancellation_mailed", clock.now(), event=event
    )


def _target(event: Event, action: str) -> EventStatus:
    sources, target = TRANSITIONS[action]
    if event.status not in sources:
        raise Conflict(_("Dat kan niet bij een bijeenkomst met deze status."))
    return target


def delete_draft(organiser: Account, slug: str, version: str) -> None:
    """A draft made by mistake goes, with its programme; anything with people or files attached stays."""
    event = get(slug)
    if version != str(event.version):
        raise Conflict(STALE)
    if event.status != EventStatus.DRAFT or event_store().holds_more_than_its_programme(slug):
        raise Conflict(_("Alleen een concept zonder aanmeldingen, sprekers of materiaal kan worden verwijderd."))
    entry = AuditChange(organiser.email, "event.deleted", slug, snapshot(event), {}, clock.now().isoformat())
    try:
        event_store().delete_draft(event, entry)
    except StaleEvent as exc:
        raise Conflict(STALE) from exc


# -- the programme ----------------------------------------------------------


def save_slot(organiser: Account, slug: str, form: Mapping[str, str], position: int | None = None) -> Event:
    """Add a slot (position None) or change one; times are checked against the event and the other slots."""
    event = get(slug)
    expect_version(event, form)
    before = snapshot(event)
    existing = next((s for s in event.programme if s.position == position), None)
    if position is not None and existing is None:
        raise NotFound()
    if existing is None and len(event.programme) >= MAX_SLOTS:
        raise Conflict(_("Een programma heeft ten hoogste 90 onderdelen."))
    if existing is not None:
        position, order = existing.position, existing.order
    else:  # a new slot: a number never used before, shown last
        position = max((s.position for s in event.programme), default=0) + 1
        order = max((s.order for s in event.programme), default=0) + 1
    slot = clean_slot(form, event, position, order)
    event.programme = [s for s in event.programme if s.position != position] + [slot]
    event.programme.sort(key=lambda s: (s.order, s.position))
    write(organiser, event, "programme.updated" if existing else "programme.added", before)
    return event


def change_slot(organiser: Account, slug: str, position: int, action: str, version: str) -> Event:
    """Move a slot up or down in the shown order, or remove it."""
    if action not in ("omhoog", "omlaag", "verwijderen"):
        raise NotFound()
    event = get(slug)
    if version != str(event.version):
        raise Conflict(STALE)
    index = next((i for i, s in enumerate(event.programme) if s.position == position), None)
    if index is None:
        raise NotFound()
    before = snapshot(event)
    if action == "verwijderen":
        slot = event.programme[index]
        if any(event.workshop_taken(slot.position, s.id) for s in slot.workshops):
            raise Conflict(_("Deelnemers kozen een workshop in deze ronde: die kan niet weg."))
        event.programme.pop(index)
        _renumber(event)
        write(organiser, event, "programme.removed", before, removed=(position,))
        return event
    other = index - 1 if action == "omhoog" else index + 1
    if 0 <= other < len(event.programme):
        event.programme[index], event.programme[other] = event.programme[other], event.programme[index]
        _renumber(event)
        write(organiser, event, "programme.moved", before)
    return event


def _renumber(event: Event) -> None:
    event.programme = [replace(s, order=i) for i, s in enumerate(event.programme, start=1)]
