"""The knowledge library: who may open what, finding materials, and audited downloads.

Access levels: public; members (any signed-in account); attendees (signed in
with the address of a confirmed registration for the material's event);
organisers. Organisers open everything, drafts included. Items a visitor may
not open are not listed for them.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime

from chalicelib.accounts.model import Access, Account
from chalicelib.audit.store import AuditChange
from chalicelib.core import clock, observability
from chalicelib.core.errors import BadRequest, Conflict, NotFound
from chalicelib.core.forms import whole_number
from chalicelib.core.i18n import _
from chalicelib.core.object_keys import document_object
from chalicelib.core.text import encodable
from chalicelib.core.themes import themes as network_themes
from chalicelib.events import service as events
from chalicelib.events.model import Event
from chalicelib.library import files, materials, search, sharing
from chalicelib.library.model import (
    ACCESS_LEVELS,
    FILE_TYPES,
    Material,
    MaterialAccess,
    MaterialStatus,
    materials_of,
)
from chalicelib.library.search import LibraryPage
from chalicelib.library.search_index import Filters
from chalicelib.library.store import library_store
from chalicelib.registrations.lifecycle import RegistrationStatus
from chalicelib.registrations.store import registration_store


def attended(account: Account | None) -> set[str]:
    """Events this account's address has a confirmed registration for."""
    if account is None:
        return set()
    confirmed = RegistrationStatus.CONFIRMED
    return {r.event_slug for r in registration_store().for_email(account.email) if r.status == confirmed}


def may_open(material: Material, account: Account | None, attended_events: set[str], now: datetime) -> bool:
    """The one rule of who may open a material: organisers always; others once it is visible, by its access level."""
    if account is not None and account.access == Access.ORGANISER:
        return True
    if not material.is_visible(now):
        return False
    if material.access == MaterialAccess.PUBLIC:
        return True
    if material.access == MaterialAccess.MEMBERS:
        return account is not None
    if material.access == MaterialAccess.ATTENDEES:
        return account is not None and material.event_slug in attended_events
    return False


def of_event(event: Event, account: Account | None, now: datetime) -> list[Material]:
    """An event's materials that this visitor may open. They came with the event's Query; only
    attendee-only ones need the visitor's registrations (one more Query, and only then)."""
    visible = [m for m in materials_of(event) if m.is_visible(now)]
    needs_registrations = account is not None and any(m.access == MaterialAccess.ATTENDEES for m in visible)
    attended_events = attended(account) if needs_registrations else set()
    return [m for m in visible if may_open(m, account, attended_events, now)]


def clean_filters(query: Mapping[str, str]) -> Filters:
    """Whitelist the query string: unknown values are dropped, never passed on."""
    query = {name: encodable(value) for name, value in query.items()}
    year = query.get("jaar", "")
    return Filters(
        theme=query.get("thema", "") if query.get("thema", "") in network_themes() else "",
        event=query.get("bijeenkomst", "")[:80],
        file_type=query.get("type", "") if query.get("type", "") in FILE_TYPES else "",
        year=year if len(year) == 4 and year.isascii() and year.isdigit() else "",
        q=" ".join(query.get("q", "").split())[:200],
        page=min(max(whole_number(query.get("pagina", "1")) or 1, 1), 10_000),
    )


def api_filters(query: Mapping[str, str]) -> Filters:
    """The API's filters: as the page's, but a value the page would drop is refused with 400."""
    filters = clean_filters(query)
    kept = {"thema": filters.theme, "type": filters.file_type, "jaar": filters.year}
    wrong = any((name in query and query[name] != value) or query.get(name) == "" for name, value in kept.items())
    wrong = wrong or query.get("bijeenkomst", "") != filters.event
    page = whole_number(query.get("pagina", "1"))
    if wrong or page is None or not 1 <= page <= 10_000 or len(query.get("q", "")) > 200:
        raise BadRequest(
            _("Een zoekwaarde klopt niet: kijk thema, type, jaar (vier cijfers), bijeenkomst en pagina na.")
        )
    return filters


def find(account: Account | None, filters: Filters) -> LibraryPage:
    """What the visitor may open, matching the filters and words; organisers see drafts only on their own page."""
    # organisers open everything: their registrations do not matter here
    events_attended = attended(account) if account and account.access != Access.ORGANISER else set()
    return search.search(account, filters, events_attended)


def download(material_id: str, account: Account | None) -> str:
    """Check access, record who downloaded what and when, then a 5-minute presigned URL."""
    material = library_store().material(material_id) if len(material_id) <= 100 else None
    # the visitor's registrations matter only for attendee material: read them only then
    events_attended = attended(account) if material and material.access == MaterialAccess.ATTENDEES else set()
    if material is None or not may_open(material, account, events_attended, clock.now()):
        raise NotFound(_("Dit materiaal bestaat niet, of u hebt er geen toegang toe. Bent u lid? Log dan eerst in."))
    library_store().record_download(material.id, account.email if account else "anoniem", clock.now().isoformat())
    observability.count("Downloads")
    return files.download_url(material.object_key, material.filename, material.file_type, material.object_version)


def set_published(organiser: Account, material_id: str, published: bool) -> Material:
    store = library_store()
    material = store.material(material_id)
    if material is None:
        raise NotFound()
    before = {"status": material.status}
    material.status = MaterialStatus.PUBLISHED if published else MaterialStatus.DRAFT
    material.stamp_publication(clock.now())
    materials.save(
        material,
        AuditChange(
            organiser.email,
            f"material.{material.status}",
            material.id,
            before,
            {"status": material.status},
            clock.now().isoformat(),
        ),
    )
    return material


def add_document(
    content: bytes,
    filename: str,
    title: str,
    access: str,
    themes: tuple[str, ...],
    event_slug: str = "",
    description: str = "",
) -> Material:
    """An organiser's own document (report, guide): stored, verified, published."""
    extension = filename.rsplit(".", 1)[-1].lower()
    if (
        extension not in FILE_TYPES
        or access not in ACCESS_LEVELS
        or not set(themes) <= set(network_themes())
        or not title.strip()
    ):
        raise ValueError(
            f"need a title, a type in {list(FILE_TYPES)}, access in {ACCESS_LEVELS}, themes in {network_themes()}"
        )
    # as nobody signed in sees it: the library is the whole network's, a working group's meeting is not
    event = events.get(event_slug) if event_slug else None
    material_id = f"{event_slug or '_'}.{secrets.token_hex(6)}"
    key = document_object(material_id, secrets.token_hex(8))
    files.put(key, content, extension, filename)
    stored = files.verify(key)
    material = Material(
        id=material_id,
        title=title.strip(),
        description=description.strip(),
        themes=themes,
        file_type=stored.file_type,
        access=MaterialAccess(access),
        date=event.date if event else clock.now().date(),
        object_key=stored.key,
        object_version=stored.version,
        size=stored.size,
        filename=stored.filename,
        uploaded_at=clock.now(),
        event_slug=event_slug,
        event_title=event.title if event else "",
        status=MaterialStatus.PUBLISHED,
    )
    material.stamp_publication(clock.now())
    materials.save(material)
    return material


def share_targets_named(language: str) -> dict[str, str]:
    """The networks a material can be shared with: their names as shown, by their ids."""
    return {n.name: n.title_in(language) for n in sharing.others()}


def share(organiser: Account, material_id: str, chosen: tuple[str, ...]) -> Material:
    """Share the material with exactly the `chosen` networks (an empty choice: with none); audited."""
    store = library_store()
    material = store.material(material_id)
    if material is None:
        raise NotFound()
    if material.origin:
        raise sharing.SharedCopy()
    known = {n.name for n in sharing.others()}
    wanted = tuple(sorted(n for n in chosen if n in known))
    if wanted and not sharing.shareable(material):
        raise Conflict(_("Alleen gepubliceerd materiaal voor iedereen of voor leden kan worden gedeeld."))
    before = material.shared_with
    material.shared_with = wanted
    at = clock.now().isoformat()
    audit = AuditChange(
        organiser.email, "material.shared", material.id, {"with": list(before)}, {"with": list(wanted)}, at
    )
    materials.save(material, audit, previously=before)
    return material
