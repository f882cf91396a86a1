"""An event's registrations as organisers see them: the list, check-in at the door,
the rows of the export, the overview with its chart, and a message to everyone confirmed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from chalicelib.accounts.model import Account
from chalicelib.audit.store import AuditChange
from chalicelib.core import clock, config, idempotency
from chalicelib.core.config import TIMEZONE
from chalicelib.core.errors import Conflict, KeyReused, RegistrationNotFound
from chalicelib.core.forms import FieldError, raise_if, text_field
from chalicelib.core.i18n import _, translations
from chalicelib.core.vocabulary import label_of
from chalicelib.events.model import AttendanceMode, Event
from chalicelib.events.parts import ANSWERED, Question, QuestionKind, Slot
from chalicelib.events.store import event_store
from chalicelib.mail import jobs
from chalicelib.mail.model import JobKind, JobStatus, MailJob
from chalicelib.mail.store import JobExists
from chalicelib.registrations import moves
from chalicelib.registrations import service as registration
from chalicelib.registrations.forms import YES
from chalicelib.registrations.lifecycle import RegistrationStatus, Standing, standing_of
from chalicelib.registrations.model import Registration, figures_of, name_key, search_surname
from chalicelib.registrations.seats import StaleRegistration, seat_store
from chalicelib.registrations.store import registration_store

STATUSES = tuple(Standing)  # the filters of the registrations list: each is one partition of GSI1


@dataclass
class Listing:
    """A page of a meeting's registrations for the organisers' list or the door."""

    registrations: list[Registration]
    cursor: str | None  # the next page, or None
    q: str  # the search as the organiser typed it
    status: str
    narrow: bool = False  # a name search found more than a page: type more of the name


def listing(slug: str, query: Mapping[str, str], statuses: tuple[str, ...] = STATUSES) -> Listing:
    """One page of an event's registrations (in a standing, or all by standing and then name), or those
    whose name or surname starts with the search text ("Berg" and "van den Berg" find Dave van den
    Berg). Never more than a page per index and standing is read: a search without a status reads one
    page of each standing by name and by surname, and shows the first page of the names together."""
    q = " ".join(query.get("q", "").split())[:100]
    status = query.get("status", "")
    status = status if status in statuses else ""
    size, store = config.list_page_size(), registration_store()
    if q:
        standings = (status,) if status else statuses
        pages = [store.listed(slug, standing, name_key(q), size, None) for standing in standings]
        pages += [
            store.listed(slug, standing, search_surname(q), size, None, by_surname=True) for standing in standings
        ]
        distinct = {r.key: r for page in pages for r in page.items}  # found by first name and by surname
        found = sorted(distinct.values(), key=lambda r: name_key(r.name))
        return Listing(found[:size], None, q, status, narrow=len(found) > size or any(p.cursor for p in pages))
    page = store.listed(slug, status, "", size, query.get("na") or None)
    return Listing(page.items, page.cursor, q, status)


def check_in_listing(slug: str, query: Mapping[str, str]) -> Listing:
    """At the door: a name among everyone confirmed, checked in or not; without one, a page of those not yet in."""
    if query.get("q", "").strip():
        return listing(slug, {"q": query["q"]}, statuses=(Standing.CONFIRMED, Standing.ATTENDED))
    return listing(slug, {"status": RegistrationStatus.CONFIRMED, "na": query.get("na", "")})


def checked(slug: str, key: str) -> Registration | None:
    """The person just checked in (or out), for the notice at the top of the check-in page."""
    try:
        return registration.by_key(slug, key) if key else None
    except RegistrationNotFound:
        return None


def present(slug: str) -> tuple[int, int]:
    """How many are checked in, of everyone confirmed: for the whole event, whatever the search."""
    by_status = overview(slug).by_status
    return by_status[Standing.ATTENDED], by_status[Standing.ATTENDED] + by_status[Standing.CONFIRMED]


# the printed attendance list stops here; a larger meeting prints from the CSV export
PRINTED = 1000


def print_list(slug: str, workshop: str = "") -> tuple[list[Registration], bool]:
    """Everyone confirmed, checked in or not, by name, for paper at the door (or, with a workshop key,
    at a workshop's door); and whether that is all of them."""
    store = registration_store()
    pages = [store.listed(slug, standing, "", PRINTED, None) for standing in (Standing.CONFIRMED, Standing.ATTENDED)]
    found = sorted((r for page in pages for r in page.items), key=lambda r: name_key(r.name))
    if workshop:
        found = [r for r in found if workshop in r.workshop_keys]
    return found, not any(page.cursor for page in pages)


def at_workshop(slug: str, workshop: str) -> tuple[list[Registration], int, bool]:
    """Everyone with a seat in a workshop, by name; how many of them were checked in there; and
    whether that is all of them (see print_list)."""
    found, complete = print_list(slug, workshop)
    return found, sum(workshop in r.workshops_attended for r in found), complete


def check_in_workshop(organiser: Account, event: Event, key: str, workshop: str, attended: bool) -> Registration:
    """Mark someone present at the workshop they chose (or undo it); audited. Present at a workshop is
    present at the meeting: the first check-in at a workshop also checks them in at the door."""
    if event.workshop(workshop) is None:
        raise RegistrationNotFound()
    if attended:
        moves.require_check_in_open(event)
    reg = registration.by_key(event.slug, key)
    if reg.status != RegistrationStatus.CONFIRMED:
        raise Conflict(_("Alleen bevestigde aanmeldingen kunnen aanwezig worden gemeld."))
    if workshop not in reg.workshop_keys:
        raise Conflict(_("Deze deelnemer heeft een plaats in een andere workshop."))
    if attended and reg.attended_at is None:
        reg = moves.check_in(organiser, event.slug, key)
    entry = AuditChange(
        organiser.email,
        "registration.workshop_attended" if attended else "registration.workshop_not_attended",
        f"{event.slug}/{reg.key}",
        {"workshop": workshop, "attended": workshop in reg.workshops_attended},
        {"workshop": workshop, "attended": attended},
        clock.now().isoformat(),
    )
    try:
        seat_store().set_workshop_attended(reg, workshop, attended, entry)
    except StaleRegistration as exc:
        raise Conflict() from exc
    reg.workshops_attended = reg.workshops_attended | {workshop} if attended else reg.workshops_attended - {workshop}
    return reg


def open_check_in_early(organiser: Account, event: Event) -> None:
    """Open check-in before the meeting's day, for a meeting that starts early (the organiser confirmed
    it); audited. It stays open for that date: a meeting moved to another day waits for that day."""
    if event.check_in_open(clock.now()):
        return
    day, at = event.date.isoformat(), clock.now().isoformat()
    entry = AuditChange(organiser.email, "event.check_in_opened", event.slug, {}, {"check_in_early_for": day}, at)
    if not event_store().open_check_in_early(event.slug, day, entry):
        raise Conflict(_("De datum van de bijeenkomst is intussen gewijzigd. Open de pagina Inchecken opnieuw."))


def export_rows(slug: str, language: str) -> tuple[list[str], Iterator[tuple[str, ...]]]:
    """The export's header and rows, oldest registration first, in the organiser's language: the
    statuses as the lists show them, dates as Dutch spreadsheets read them (the export worker writes them)."""
    catalog = translations(language)
    event = event_store().get(slug)  # with the programme: its workshop rounds are columns
    questions = event.questions if event else ()
    rounds = event.rounds if event else []
    # how each person takes part, once the meeting offers a choice or is online
    ways = event is not None and AttendanceMode.ONLINE in event.modes
    header = [
        _("Naam"),
        _("E-mailadres"),
        _("Organisatie"),
        _("Functie"),
        _("Status"),
        *([_("Deelname")] if ways else []),
        _("Aangemeld op"),
        _("Opmerkingen"),
    ]
    round_headers = [
        catalog.gettext(header) % {"start": slot.start}
        for slot in rounds
        for header in (_("Workshopronde %(start)s"), _("Workshopronde %(start)s: aanwezig"))
    ]
    rows = (
        (
            r.name,
            r.email,
            r.organisation,
            r.role,
            catalog.gettext(label_of(r.standing)),
            *([catalog.gettext(label_of(r.attendance))] if ways else []),
            r.created_at.astimezone(TIMEZONE).strftime("%d-%m-%Y %H:%M"),
            r.remarks,
            *(answer_text(q, r.answers.get(str(q.id), []), catalog.gettext) for q in questions),
            *(cell for slot in rounds for cell in _chosen(slot, r, catalog.gettext)),
        )
        for r in sorted(registration_store().list_for_event(slug), key=lambda r: r.created_at)
    )
    return [catalog.gettext(name) for name in header] + [q.label for q in questions] + round_headers, rows


def _chosen(slot: Slot, reg: Registration, translate: Callable[[str], str]) -> tuple[str, str]:
    """The title of the workshop someone chose in a round, and whether they were checked in there."""
    chosen = next((s for s in slot.workshops if s.id == reg.workshops.get(str(slot.position))), None)
    if chosen is None:
        return "", ""
    return chosen.title, translate(_("Ja")) if slot.key_of(chosen) in reg.workshops_attended else ""


def answer_text(question: Question, given: list[str], translate: Callable[[str], str]) -> str:
    """An answer as a cell shows it: yes or no in the reader's language, several choices joined."""
    if question.kind == QuestionKind.YES_NO and given:
        return translate(_("Ja") if given[0] == YES else _("Nee"))
    return ", ".join(given)


@dataclass
class Overview:
    """A meeting's registrations counted: by status, organisation, role, day and answer."""

    by_status: Counter[str]
    by_organisation: list[tuple[str, int]]
    by_role: list[tuple[str, int]]
    per_day: list[tuple[date, int, int]]  # day, new registrations, running total
    chart: Chart | None
    answers: Counter[str]  # "{id}": answered; "{id}#{answer}": how often (kinds with fixed answers)


@dataclass
class Chart:
    """Registrations over time as SVG coordinates, drawn by the template; no script, no external library."""

    width: int
    height: int
    bars: list[tuple[float, float, float, float, str, int]]  # x, y, w, h, day label, running total
    y_max: int


def overview(slug: str) -> Overview:
    """Counts by status, organisation and role (people who did not cancel), and registrations over
    time: one read of the figures the registration transactions keep. Anonymised registrations
    count too: retention removes names, not figures."""
    return _overview(event_store().figures(slug))


def _overview(figures: Mapping[str, int]) -> Overview:
    def part(prefix: str) -> Counter[str]:
        return Counter({name.removeprefix(prefix): n for name, n in figures.items() if name.startswith(prefix) and n})

    days = {date.fromisoformat(day): n for day, n in part("day#").items()}
    total, per_day = 0, []
    for day in sorted(days):
        total += days[day]
        per_day.append((day, days[day], total))
    return Overview(
        part("status#"),
        part("org#").most_common(),
        part("role#").most_common(),
        per_day,
        _chart(per_day),
        part(ANSWERED),
    )


def recount(slug: str) -> int:
    """Put an event's figures in order, counted from every registration (`manage.py recount`, when a
    check finds them off). The number of registrations counted."""
    figures = count_slowly(slug)
    registration_store().put_figures(slug, figures)
    return sum(n for name, n in figures.items() if name.startswith("status#"))


def count_slowly(slug: str) -> Counter[str]:
    """The overview's figures counted from every registration, kept or anonymised: to check the kept
    figures, and to put them in order (`manage.py recount`)."""
    figures: Counter[str] = Counter()
    for item in registration_store().for_recount(slug):
        standing = standing_of(RegistrationStatus(item["status"]), bool(item.get("attended_at")))
        created = datetime.fromisoformat(item["created_at"])
        counted = tuple(item.get("counted", ()))
        figures.update(figures_of(standing, item.get("organisation", ""), item.get("role", ""), created, 1, counted))
    return figures


def _chart(per_day: list[tuple[date, int, int]]) -> Chart | None:
    if not per_day:
        return None
    width, height, top, bottom, left = 640, 240, 10, 30, 40
    y_max = per_day[-1][2]
    slot = (width - left) / len(per_day)
    bar = min(slot * 0.8, 48)  # a few days must not make a few slabs
    bars = []
    for i, (day, _new, running) in enumerate(per_day):
        h = (height - top - bottom) * running / y_max
        x = left + i * slot + (slot - bar) / 2
        bars.append(
            (round(x, 1), round(height - bottom - h, 1), round(bar, 1), round(h, 1), day.strftime("%d-%m"), running)
        )
    return Chart(width, height, bars, y_max)


def message(organiser: Account, event: Event, form: Mapping[str, str], key: str = "") -> MailJob:
    """Queue the organiser's text for everyone confirmed; the mail worker sends it. Audited with the job.
    With the form's one-time `key`, the job's id comes from it: a repeat of the same message finds its
    job (and starts none), another text with that key is refused (KeyReused)."""
    errors: dict[str, FieldError] = {}
    subject = text_field(form, "subject", errors, limit=150)
    body = text_field(form, "body", errors, limit=5000, multiline=True)
    raise_if(errors, ("subject", "body"))
    job_id = idempotency.derived_id(f"message\n{event.slug}\n{organiser.email}", key)
    try:
        return jobs.start(
            JobKind.ATTENDEE_MESSAGE,
            organiser.email,
            "event.messaged",
            clock.now(),
            event=event,
            subject=subject,
            body=body,
            job_id=job_id,
        )
    except JobExists:
        job = jobs.get(job_id)
        if (job.subject, job.body) != (subject, body):
            raise KeyReused() from None
        if job.status == JobStatus.QUEUED:
            # the first request may have recorded the job and then failed to queue it (a 503): queue
            # it now; a second `find` of a job that was queued after all changes nothing
            jobs.restart(job.id)
        return job
