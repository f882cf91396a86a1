"""An event's registrations as organisers see them: the list, check-in at the door,
the rows of the export, the overview with its chart, and a message to everyone confirmed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from chalicelib import stores
from chalicelib.accounts.model import Account
from chalicelib.audit.store import audit_entry
from chalicelib.core import clock
from chalicelib.core.config import TIMEZONE
from chalicelib.core.errors import Conflict
from chalicelib.core.forms import FieldError, raise_if, text_field
from chalicelib.core.i18n import _
from chalicelib.events.model import Event
from chalicelib.mail import jobs
from chalicelib.mail.model import JobKind, MailJob
from chalicelib.registrations import service as registration
from chalicelib.registrations.model import ATTENDED, Registration, RegistrationStatus
from chalicelib.registrations.store import StaleRegistration

STATUSES = (*RegistrationStatus, ATTENDED)  # the filters of the registrations list


def status_of(reg: Registration) -> str:
    return ATTENDED if reg.status == RegistrationStatus.CONFIRMED and reg.attended_at else reg.status


def listing(slug: str, query: Mapping[str, str]) -> tuple[list[Registration], str, str]:
    """Registrations matching a search text (name, address, organisation) and a status; sorted by name."""
    q = " ".join(query.get("q", "").split())[:100]
    status = query.get("status", "")
    status = status if status in STATUSES else ""
    needle = q.casefold()
    found = [
        r
        for r in stores.registrations().list_for_event(slug)
        # "confirmed" includes those checked in since; "attended" only them
        if (not status or status in (r.status, status_of(r)))
        and (not needle or needle in f"{r.name} {r.email} {r.organisation}".casefold())
    ]
    return sorted(found, key=lambda r: r.name.casefold()), q, status


def check_in(organiser: Account, slug: str, key: str, attended: bool) -> Registration:
    """Mark a confirmed person as attended (or undo it); audited."""
    reg = registration.by_key(slug, key)
    if reg.status != RegistrationStatus.CONFIRMED:
        raise Conflict(_("Alleen bevestigde aanmeldingen kunnen aanwezig worden gemeld."))
    at = clock.now().isoformat() if attended else None
    entry = audit_entry(
        organiser.email,
        "registration.attended" if attended else "registration.not_attended",
        f"{slug}/{reg.key}",
        {"attended_at": reg.attended_at.isoformat() if reg.attended_at else None},
        {"attended_at": at},
        clock.now().isoformat(),
    )
    try:
        stores.registrations().set_attended(reg, at, entry)
    except StaleRegistration as exc:
        raise Conflict() from exc
    reg.attended_at = clock.now() if attended else None
    return reg


def export_rows(slug: str) -> tuple[list[str], Iterator[tuple[str, ...]]]:
    """The export's header and rows, oldest registration first (the export worker writes them)."""
    rows = (
        (
            r.name,
            r.email,
            r.organisation,
            r.role,
            status_of(r),
            r.created_at.astimezone(TIMEZONE).strftime("%Y-%m-%d %H:%M"),
            r.remarks,
        )
        for r in sorted(stores.registrations().list_for_event(slug), key=lambda r: r.created_at)
    )
    return ["name", "email", "organisation", "role", "status", "registered_at", "remarks"], rows


@dataclass
class Overview:
    by_status: Counter[str]
    by_organisation: list[tuple[str, int]]
    by_role: list[tuple[str, int]]
    per_day: list[tuple[date, int, int]]  # day, new registrations, running total
    chart: Chart | None


@dataclass
class Chart:
    """Registrations over time as SVG coordinates, drawn by the template; no script, no external library."""

    width: int
    height: int
    bars: list[tuple[float, float, float, float, str, int]]  # x, y, w, h, day label, running total
    y_max: int


def overview(slug: str) -> Overview:
    """Counts by status, organisation and role (people who did not cancel), and registrations over time.

    Anonymised registrations count too: retention removes names, not figures.
    """
    items = stores.registrations().for_overview(slug)
    statuses: Counter[str] = Counter()
    organisations: Counter[str] = Counter()
    roles: Counter[str] = Counter()
    days: Counter[date] = Counter()
    for item in items:
        status = (
            ATTENDED
            if item.get("status") == RegistrationStatus.CONFIRMED and item.get("attended_at")
            else item["status"]
        )
        statuses[status] += 1
        days[datetime.fromisoformat(item["created_at"]).astimezone(TIMEZONE).date()] += 1
        if status != RegistrationStatus.CANCELLED:
            organisations[item.get("organisation") or "—"] += 1
            roles[item.get("role") or "—"] += 1
    total, per_day = 0, []
    for day in sorted(days):
        total += days[day]
        per_day.append((day, days[day], total))
    return Overview(statuses, organisations.most_common(), roles.most_common(), per_day, _chart(per_day))


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


def message(organiser: Account, event: Event, form: Mapping[str, str]) -> MailJob:
    """Queue the organiser's text for everyone confirmed; the mail worker sends it. Audited with the job."""
    errors: dict[str, FieldError] = {}
    subject = text_field(form, "subject", errors, limit=150)
    body = text_field(form, "body", errors, limit=5000, multiline=True)
    raise_if(errors, ("subject", "body"))
    return jobs.start(
        JobKind.ATTENDEE_MESSAGE,
        organiser.email,
        "event.messaged",
        clock.now(),
        event=event,
        subject=subject,
        body=body,
    )
