"""Exports: the request records what an organiser asked for and queues it; a worker writes the CSV
or Excel file to the private bucket; the organiser fetches it through a link that works for five minutes.

However many rows there are, the request makes the same calls (one transaction: the export and
its audit entry; one SQS message), and no file passes through Lambda's 6 MB response. The files
hold personal data: asking for one and fetching it are both in the audit log, and the file is
removed after a day.
"""

from __future__ import annotations

import io
import json
import logging
import secrets
import tempfile
from collections.abc import Callable, Iterable, Sequence
from typing import IO

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.accounts import newsletter
from chalicelib.accounts.model import Account
from chalicelib.audit.store import AuditChange, audit_store
from chalicelib.core import clock, config, queue
from chalicelib.core.csv_export import write_csv
from chalicelib.core.errors import BadRequest, Conflict, LinkInvalid, NotFound, PortalError
from chalicelib.core.i18n import _
from chalicelib.core.rendering import gettext
from chalicelib.core.xlsx_export import write_xlsx
from chalicelib.evaluations import service as evaluations
from chalicelib.events.model import Event
from chalicelib.exports import files
from chalicelib.exports.model import Export, ExportFormat, ExportKind, ExportStatus
from chalicelib.exports.store import export_store
from chalicelib.registrations import attendance, certificates

log = logging.getLogger(__name__)

Rows = tuple[Sequence[str], Iterable[Sequence[str]]]

# what each kind of export holds: its header and its rows, read by the worker
SOURCES: dict[ExportKind, Callable[[Export], Rows]] = {
    ExportKind.REGISTRATIONS: lambda export: attendance.export_rows(export.event_slug, export.language),
    ExportKind.SUBSCRIBERS: lambda export: newsletter.subscriber_rows(export.language),
    ExportKind.EVALUATION: lambda export: evaluations.export_rows(export.event_slug, export.language),
}
# the name of a workbook's one sheet
SHEETS = {
    ExportKind.REGISTRATIONS: _("Aanmeldingen"),
    ExportKind.SUBSCRIBERS: _("Abonnees"),
    ExportKind.EVALUATION: _("Evaluatie"),
}


# the formats each kind comes in: the tables as CSV or Excel, the certificates as PDF
TABLES = (ExportFormat.CSV, ExportFormat.XLSX)
FORMATS = {kind: TABLES for kind in ExportKind} | {ExportKind.CERTIFICATES: (ExportFormat.PDF,)}


class ExportQueueUnavailable(PortalError):
    status = 503
    message = _("De export kon niet worden gestart. Probeer het over een minuut opnieuw.")


class ExportNotReady(Conflict):
    message = _("Het bestand is nog niet klaar. Deze pagina laat het zien zodra het klaar is.")


class ExportExpired(LinkInvalid):
    message = _(
        "Dit bestand is niet meer beschikbaar: exports worden na een dag verwijderd, omdat ze persoonsgegevens bevatten. Vraag een nieuwe aan."
    )


class UnknownExport(Exception):
    """The queue message names no export: it goes back to the queue and on to the dead-letter queue."""


def of_event(actor: Account, event: Event, language: str, file_format: str) -> Export:
    """An event's registrations as CSV or Excel, in the organiser's language."""
    return _start(actor, ExportKind.REGISTRATIONS, f"aanmeldingen-{event.slug}", event, language, file_format)


def of_evaluation(actor: Account, event: Event, language: str, file_format: str) -> Export:
    """An event's evaluation answers (anonymous) as CSV or Excel, once the evaluation is closed."""
    evaluations.require_closed(event)
    return _start(actor, ExportKind.EVALUATION, f"evaluatie-{event.slug}", event, language, file_format)


def of_certificates(actor: Account, event: Event, language: str) -> Export:
    """A certificate of attendance for everyone checked in at the event, as one PDF, once it has ended."""
    certificates.require_ended(event)
    return _start(actor, ExportKind.CERTIFICATES, f"bewijzen-van-deelname-{event.slug}", event, language, "pdf")


def of_subscribers(actor: Account, language: str, file_format: str) -> Export:
    """The newsletter's subscribers as CSV or Excel, in the organiser's language."""
    return _start(actor, ExportKind.SUBSCRIBERS, "nieuwsbrief-abonnees", None, language, file_format)


def _start(actor: Account, kind: ExportKind, stem: str, event: Event | None, language: str, file_format: str) -> Export:
    if file_format not in FORMATS[kind]:  # the form's buttons say which
        raise BadRequest()
    now = clock.now()
    export = Export(
        id=secrets.token_hex(8),
        kind=kind,
        created_by=actor.email,
        created_at=now,
        filename=f"{stem}.{file_format}",
        file_format=ExportFormat(file_format),
        event_slug=event.slug if event else "",
        event_title=event.title if event else "",
        language=language,
    )
    target = event.slug if event else kind
    entry = AuditChange(
        actor.email, "export.requested", target, {}, {"export": export.id, "kind": kind}, now.isoformat()
    )
    export_store().create(export, entry)
    try:
        queue.put(config.export_queue_url(), {"export": export.id})
    except (ClientError, BotoCoreError) as error:
        raise ExportQueueUnavailable() from error
    return export


def get(export_id: str) -> Export:
    export = export_store().get(export_id) if 0 < len(export_id) <= 40 else None
    if export is None:
        raise NotFound()
    return export


def download_url(actor: Account, export_id: str) -> str:
    """A five-minute link to the finished file; the fetch is audited."""
    export = get(export_id)
    now = clock.now()
    if export.expired(now):
        raise ExportExpired()
    if export.status != ExportStatus.DONE:
        raise ExportNotReady()
    target = export.event_slug or export.kind
    audit_store().put(AuditChange(actor.email, "export.downloaded", target, {}, {"export": export.id}, now.isoformat()))
    return files.download_url(export.file_key, export.filename, export.file_format)


def build(body: str) -> None:
    """One queue message: write the export's file to the bucket. Raises when it should be delivered again.

    The rows go through a temporary file, so memory stays small whatever their number; a message
    delivered twice writes the same file twice.
    """
    try:
        export = export_store().get(str(json.loads(body)["export"]))
    except (ValueError, KeyError, TypeError) as error:
        raise UnknownExport("unreadable message") from error
    if export is None:
        raise UnknownExport("no such export")
    if export.status == ExportStatus.DONE:
        return
    with tempfile.TemporaryFile() as raw:
        count = _write(export, raw)
        raw.seek(0)
        files.put(export.file_key, raw, export.file_format)
    export_store().finish(export.id, count, clock.now())
    log.info(
        "export built", extra={"export": export.id, "kind": export.kind, "format": export.file_format, "rows": count}
    )


def _write(export: Export, raw: IO[bytes]) -> int:
    """The export's file; the number of its rows (of its pages, for certificates)."""
    if export.kind == ExportKind.CERTIFICATES:
        return certificates.write_all(raw, export.event_slug, export.language)
    header, rows = SOURCES[export.kind](export)
    if export.file_format == ExportFormat.XLSX:
        return write_xlsx(raw, gettext(export.language, SHEETS[export.kind]), header, rows)
    return _csv(raw, header, rows)


def _csv(raw: IO[bytes], header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    # with a byte order mark, so that Excel reads UTF-8 (accents) instead of the Windows code page
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    count = write_csv(text, header, rows)
    text.flush()
    text.detach()  # the file is closed by its caller, not by the wrapper
    return count
