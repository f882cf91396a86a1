"""Searching the knowledge library, and keeping its index up to date.

Every change of a material (a speaker's upload, an organiser's edit, publishing, removing) puts
a message on the extraction queue: the extraction worker (`extraction.py`, several at once) reads
the text of a new file version within its budget, keeps it in S3, and passes the change on to the
index queue (FIFO, one message group: one writer at a time). The index worker takes the index file
from S3, updates that material's rows with its kept text, never opening a file itself, and puts the
file back. Web functions keep a copy in /tmp and ask S3 whether it changed at most once per
SEARCH_INDEX_CHECK_SECONDS (15). `manage.py reindex` rebuilds the whole index from the materials
and their kept texts, so a lost or damaged index file loses nothing, and queues the reading of any
file whose text is missing.
"""

from __future__ import annotations

import json
import logging
import math
import os
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.accounts.model import Access, Account
from chalicelib.core import clock, config, queue, tenancy
from chalicelib.core.themes import themes
from chalicelib.events.model import Event
from chalicelib.events.store import event_store
from chalicelib.library import search_files, search_index
from chalicelib.library.model import Material
from chalicelib.library.search_index import Filters, Hit, Visitor
from chalicelib.library.store import library_store

log = logging.getLogger(__name__)

PAGE_SIZE = 10
INDEX_GROUP = "library-index"  # the FIFO queue's message group, one per network: a network's updates never overlap
# index updates per run of the index worker (a FIFO queue hands Lambda at most ten): one download and
# upload of the index file for all of them, so a queue of changes is taken in a tenth as many steps
INDEX_BATCH = 10


@dataclass
class LibraryPage:
    """One page of the knowledge library: the hits, the filters that found them and the paging."""

    hits: list[Hit]
    filters: Filters
    page: int
    pages: int
    total: int
    events: list[tuple[str, str]]  # (slug, title) among what the visitor may open
    years: list[str]
    suggestion: str = ""  # "Bedoelde u ...": a search that finds something, when this one did not
    themes: tuple[str, ...] = field(default_factory=themes)


# -- reading ---------------------------------------------------------------------------------


@dataclass
class _Copy:
    """This process's copy of the search index in /tmp, and when it was last compared with S3's."""

    path: Path | None = None
    etag: str | None = None
    checked: float = -math.inf


# one copy per network: each network has an index of its own, and never reads another's
_copies: dict[str, _Copy] = {}


def _index() -> Path | None:
    """This process's copy of the network's index, fetched again when S3 holds a newer one (asked at
    most once per SEARCH_INDEX_CHECK_SECONDS); None while no index exists yet."""
    network = tenancy.name()
    _copy = _copies.setdefault(network, _Copy())
    if time.monotonic() - _copy.checked < config.search_index_check_seconds():
        return _copy.path
    etag = search_files.index_etag()
    if etag != _copy.etag:
        # fetched beside the old copy and swapped in only when whole: a failed fetch raises and
        # the next search tries again, while the old copy stays as it was. The name holds the process:
        # processes on one machine (`make run`, parallel tests) share /tmp, and each drops its own copy.
        name = f"library-index-{network}-{os.getpid()}-{etag.strip(chr(34))}.sqlite" if etag else ""
        fresh = Path(tempfile.gettempdir()) / name if etag else None
        if fresh is not None and search_files.download_index(fresh) is None:
            fresh = None
        old, _copy.path, _copy.etag = _copy.path, fresh, etag
        if old is not None and old != fresh:
            old.unlink(missing_ok=True)
    _copy.checked = time.monotonic()
    return _copy.path


def forget_copy() -> None:
    """Drop this process's copies, so the next search fetches the index (tests; a new stage)."""
    for copy in _copies.values():
        if copy.path is not None:
            copy.path.unlink(missing_ok=True)
    _copies.clear()


def search(account: Account | None, filters: Filters, attended: set[str]) -> LibraryPage:
    """One page of what this visitor may open, matching the filters and search words, best first
    (newest first without words): one query of the local index, no DynamoDB read."""
    organiser = account is not None and account.access == Access.ORGANISER
    visitor = Visitor(clock.now(), account is not None, organiser, frozenset(attended))
    path = _index()
    if path is None:
        return LibraryPage([], filters, 1, 1, 0, [], [])
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        results = search_index.find(connection, visitor, filters, PAGE_SIZE)
        pages = max(1, math.ceil(results.total / PAGE_SIZE))
        page = min(filters.page, pages)
        if page != filters.page:  # past the last page: show the last one
            results = search_index.find(connection, visitor, replace(filters, page=page), PAGE_SIZE)
    return LibraryPage(
        results.hits, filters, page, pages, results.total, results.events, results.years, results.suggestion
    )


# -- keeping it up to date -------------------------------------------------------------------


def changed(material_id: str) -> None:
    """Queue an update of one material's entry, through the reading of its file's text. The material
    is saved either way: when the queue cannot be reached the index lags behind until the next change
    or the daily rebuild."""
    try:
        queue.put(config.extract_queue_url(), {"material": material_id})
    except (ClientError, BotoCoreError, RuntimeError) as error:  # RuntimeError: no EXTRACT_QUEUE_URL here
        log.warning("search index update not queued (%s); the daily rebuild catches up", type(error).__name__)


def text_ready(material_id: str) -> None:
    """The extraction worker's word to the index worker: the material's text is kept (or it is gone)."""
    queue.put(config.index_queue_url(), {"material": material_id}, group=_index_group())


def request_rebuild() -> None:
    queue.put(config.index_queue_url(), {"rebuild": True}, group=_index_group())


def _index_group() -> str:
    """One message group per network: its index file is changed by one worker at a time, while
    another network's index is updated beside it."""
    return f"{INDEX_GROUP}-{tenancy.name()}"


def update(*bodies: str) -> None:
    """Index queue messages, one or a batch (at most INDEX_BATCH): the materials' entries, or the
    whole index anew, with one download and one upload of the index file for all of them."""
    messages = [json.loads(body) for body in bodies]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "library.sqlite"
        rebuild = any(m.get("rebuild") for m in messages) or search_files.download_index(path) is None
        with sqlite3.connect(path) as connection:
            search_index.create(connection)
            if rebuild:
                events: dict[str, Event | None] = {}
                materials = library_store().all_materials()
                unread = [m.id for m in materials if not _put(connection, m, events)]
                # a reading lost, or still in the dead-letter queue: read again, then indexed again
                queue.put_many(config.extract_queue_url(), [{"material": m} for m in unread])
                log.info("search index rebuilt", extra={"materials": len(materials), "unread": len(unread)})
            else:
                for material_id in dict.fromkeys(str(m["material"]) for m in messages):
                    _update_one(connection, material_id)
        connection.close()
        search_files.upload_index(path)


def _update_one(connection: sqlite3.Connection, material_id: str) -> None:
    material = library_store().material(material_id)
    if material is None:
        search_index.remove(connection, material_id)
        search_files.delete_texts(material_id)
    elif _put(connection, material, {}):
        search_files.delete_texts(material_id, keep=material)  # those of files it replaced


def _put(connection: sqlite3.Connection, material: Material, events: dict[str, Event | None]) -> bool:
    """Index a material with its file's kept text; False when there is none yet (a file being read:
    its reading passes the change on again, and the entry gets its text then)."""
    extracted = search_files.extracted(material)
    search_index.put(connection, material, _people(material, events), extracted.text if extracted else "")
    return extracted is not None


def _people(material: Material, events: dict[str, Event | None]) -> str:
    """The speakers and organisations of the material's programme slot (or workshop), and its invited speaker."""
    if not material.event_slug:
        return ""
    if material.event_slug not in events:
        events[material.event_slug] = event_store().get(material.event_slug)
    event = events[material.event_slug]
    slot = next((s for s in (event.programme if event else []) if s.position == material.slot), None)
    workshop = next((s for s in slot.workshops if s.id == material.workshop), None) if slot else None
    presenters = workshop.speakers if workshop else slot.speakers if slot else ()
    names = [f"{speaker.name} {speaker.organisation}" for speaker in presenters]
    if material.speaker_name:
        names.append(f"{material.speaker_name} {material.speaker_organisation}")
    return " ".join(names)
