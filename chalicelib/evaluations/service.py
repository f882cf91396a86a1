"""Evaluating a meeting: the mail the day after, the form behind the personal link, the results.

The day after a meeting a scheduled job opens its evaluation and starts a mail job (kind
`evaluation`) to everyone checked in, or to every confirmed attendee if nobody was checked in.
Each confirmed registration may answer once, within OPEN_DAYS of the mail; its answer is stored
apart from it (`evaluations/store.py`), so organisers see results and remarks, never who gave them.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.accounts.model import Account
from chalicelib.audit.store import AuditChange
from chalicelib.core import clock
from chalicelib.core.errors import Conflict, EventNotFound
from chalicelib.core.forms import FieldError, raise_if, text_field
from chalicelib.core.i18n import _, translations
from chalicelib.evaluations.model import (
    MEETING,
    RATINGS,
    REMARKS_MAX,
    Answer,
    FormState,
    Results,
    closing,
    item_results,
    slot_item,
)
from chalicelib.evaluations.store import AlreadyAnswered, evaluation_store
from chalicelib.events import workspace
from chalicelib.events.listings import event_listings
from chalicelib.events.model import Event, EventStatus
from chalicelib.events.store import event_store
from chalicelib.mail import jobs
from chalicelib.mail.model import JobKind
from chalicelib.mail.store import JobExists
from chalicelib.registrations.lifecycle import RegistrationStatus
from chalicelib.registrations.model import Registration
from chalicelib.registrations.service import find

log = logging.getLogger(__name__)
ACTOR = "planning"  # who the audit log names for the scheduled job
# a missed run (a failed day) is made up for within this many days of the meeting
CATCH_UP_DAYS = 3


class AnsweredAlready(Conflict):
    message = _("U hebt deze bijeenkomst al beoordeeld. Dank u wel!")


class EvaluationClosed(Conflict):
    message = _("De evaluatie van deze bijeenkomst is gesloten.")


class EvaluationNotOpen(Conflict):
    message = _("De evaluatie van deze bijeenkomst is nog niet verstuurd.")


class EvaluationStillOpen(Conflict):
    message = _("De antwoorden komen vrij als de evaluatie gesloten is.")


@dataclass(frozen=True)
class EvaluationForm:
    """What an attendee's evaluation link opens: their registration, the meeting and whether it may still be answered."""

    registration: Registration
    event: Event
    state: FormState
    closes: datetime | None

    @property
    def items(self) -> list[tuple[str, str]]:
        return rated_items(self.event)


def rated_items(event: Event) -> list[tuple[str, str]]:
    """The programme items rated besides the meeting as a whole, with their titles, in programme order."""
    return [(slot_item(slot.position), slot.title) for slot in event.programme]


def _state(reg: Registration, event: Event, now: datetime) -> FormState:
    if reg.status != RegistrationStatus.CONFIRMED:
        return FormState.NOT_ATTENDING
    if reg.evaluated:
        return FormState.ANSWERED
    closes = closing(event)
    if closes is None:
        return FormState.NOT_YET
    return FormState.OPEN if now < closes else FormState.CLOSED


def can_answer(reg: Registration, event: Event) -> bool:
    """Whether the personal page offers the evaluation: open, and not answered yet."""
    return _state(reg, event, clock.now()) == FormState.OPEN


def form(token: str) -> EvaluationForm:
    """The evaluation behind a personal link, and whether it can be answered now."""
    reg, event, _position = find(token)
    return EvaluationForm(reg, event, _state(reg, event, clock.now()), closing(event))


def submit(token: str, data: Mapping[str, str]) -> None:
    """Store one answer for the registration behind the link. InvalidInput with the fields'
    messages; AnsweredAlready or EvaluationClosed when it cannot be answered (any more)."""
    current = form(token)
    if current.state == FormState.ANSWERED:
        raise AnsweredAlready()
    if current.state != FormState.OPEN:
        raise EvaluationClosed()
    answer = clean_answer(data, current.items)
    try:
        evaluation_store().submit(current.event.slug, current.registration.sk, answer)
    except AlreadyAnswered as exc:  # a second tab, or a double click, was first
        raise AnsweredAlready() from exc


def clean_answer(data: Mapping[str, str], items: list[tuple[str, str]]) -> Answer:
    """The meeting's rating is required, the programme items' are not; remarks are free text."""
    errors: dict[str, FieldError] = {}
    ratings: dict[str, int] = {}
    for item in (MEETING, *(name for name, _title in items)):
        raw = data.get(item, "")
        if raw in {str(r) for r in RATINGS}:
            ratings[item] = int(raw)
        elif raw or item == MEETING:
            errors[item] = FieldError(_("Kies een cijfer van 1 tot 5."))
    remarks = text_field(data, "remarks", errors, REMARKS_MAX, multiline=True, required=False)
    raise_if(errors, (MEETING, *(name for name, _title in items), "remarks"))
    return Answer(id=secrets.token_hex(12), ratings=ratings, remarks=remarks)


def results(slug: str) -> Results:
    """What organisers see: the count and, once closed, per item its ratings and the remarks (one
    Query for the event, one GetItem for the figures, and once closed one Query for the remarks)."""
    event = workspace.get(slug)
    figures = evaluation_store().figures(event.slug)
    closes = closing(event)
    if closes is None or clock.now() < closes:
        return Results(event, int(figures.get("answers", 0)), closes, False, [], [])
    titles = [(MEETING, _("De bijeenkomst als geheel")), *rated_items(event)]
    remarks = [a.remarks for a in evaluation_store().answers(event.slug) if a.remarks]
    items = item_results(figures, titles)
    return Results(event, int(figures.get("answers", 0)), closes, True, items, sorted(remarks))


def close(organiser: Account, slug: str) -> None:
    """Close an open evaluation before its days are over, so that its results show; audited."""
    event = workspace.get(slug)
    at = clock.now()
    entry = AuditChange(organiser.email, "event.evaluation_closed", slug, {}, {"at": at.isoformat()}, at.isoformat())
    if not event_store().close_evaluation(slug, at.isoformat(), entry) and event.evaluation_opened_at is None:
        raise EvaluationNotOpen()


def require_closed(event: Event) -> None:
    """The answers go out (the export) only once nobody can add one."""
    closes = closing(event)
    if closes is None or clock.now() < closes:
        raise EvaluationStillOpen()


def export_rows(slug: str, language: str) -> tuple[list[str], Iterator[tuple[str, ...]]]:
    """One row per answer, in no order that could say who gave it (by their random ids): the ratings
    and the remarks. The export worker writes them."""
    event = workspace.get(slug)
    catalog = translations(language)
    items = [(MEETING, catalog.gettext(_("De bijeenkomst als geheel"))), *rated_items(event)]
    header = [title for _item, title in items] + [catalog.gettext(_("Opmerkingen"))]
    answers = sorted(evaluation_store().answers(event.slug), key=lambda a: a.id)
    rows = ((*(str(a.ratings.get(item, "")) for item, _title in items), a.remarks) for a in answers)
    return header, rows


def open_evaluation(event: Event, actor: str, now: datetime) -> bool:
    """Open a meeting's evaluation and start its mail job; False if that happened before. The job
    first, so that a failure between the two (its queue message, or the mark) is made up for by the
    next run, which queues the recorded job again (safe: recipients sent to are skipped)."""
    job_id = f"evaluation-{event.slug}"
    try:
        jobs.start(JobKind.EVALUATION, actor, "event.evaluation", now, event=event, job_id=job_id)
    except JobExists:
        jobs.restart(job_id)  # recorded by a run whose queue message may never have gone out
    return event_store().mark_evaluation_opened(event.slug, now.isoformat())


def open_by_hand(slug: str, actor: str) -> bool:
    """Open one published meeting's evaluation now, whatever its date (`manage.py send-evaluations
    --slug`, to try it on the demo); False if it was opened before. EventNotFound for no such meeting."""
    event = event_store().get_meta(slug)
    if event is None or event.status != EventStatus.PUBLISHED:
        raise EventNotFound()
    return open_evaluation(event, actor, clock.now())


def send_evaluations() -> int:
    """Scheduled, daily: open the evaluation of every meeting held in the last CATCH_UP_DAYS days
    (yesterday's, normally). Safe to run twice. Returns how many were opened."""
    now = clock.now()
    today = now.date()
    since = (today - timedelta(days=CATCH_UP_DAYS)).isoformat()
    opened = 0
    for event in event_listings().with_personal_data(until=today.isoformat(), since=since):
        if event.status == EventStatus.PUBLISHED and event.evaluation_opened_at is None:
            opened += open_evaluation(event, ACTOR, now)
    log.info("evaluations opened: %d", opened)
    return opened
