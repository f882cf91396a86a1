"""Organisers' own documents in the knowledge library: uploaded straight to S3 like
speakers' slides (presigned POST, then checked), then described, levelled and published.
Editing and removing work for every material, slides included. Every change is audited."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping

from chalicelib.accounts.model import Account
from chalicelib.audit.store import AuditChange
from chalicelib.core import clock, config, s3, themes
from chalicelib.core.dynamo import Item
from chalicelib.core.errors import NotFound
from chalicelib.core.forms import FieldError, raise_if, text_field
from chalicelib.core.i18n import _
from chalicelib.core.keys import scoped_object
from chalicelib.core.object_keys import DOCUMENTS_PREFIX, document_object
from chalicelib.core.paging import Page
from chalicelib.events.listings import event_listings
from chalicelib.events.model import EventStatus
from chalicelib.events.store import event_store
from chalicelib.library import files, materials
from chalicelib.library.model import ACCESS_LEVELS, Material, MaterialAccess, MaterialStatus
from chalicelib.library.store import library_store

# documents/{material id}/{random}: offered by the server only


def _match_key(key: str) -> re.Match[str] | None:
    """n/{network}/documents/{material id}/{random}, in the current network only."""
    prefix = re.escape(scoped_object(DOCUMENTS_PREFIX))
    return re.match(f"^{prefix}((?:[a-z0-9-]{{1,80}}|_)\\.[0-9a-f]{{12}})/[0-9a-f]{{16}}$", key)


def upload_form() -> files.UploadForm:
    """The form for a new document: pick an event it belongs to (or none) and a file, which goes
    straight to S3. The key names the material id, which names the event. The events offered are the
    newest page of published ones and of drafts: what a new document is most likely about, in two
    Queries however many events there are."""
    limit = config.list_page_size()
    events = [*event_listings().of_status(EventStatus.PUBLISHED, limit, None).items]
    events += event_listings().of_status(EventStatus.DRAFT, limit, None).items
    events.sort(key=lambda e: (e.date, e.start), reverse=True)
    targets = [
        files.UploadTarget(_document_key("_"), ""),  # no event: the form names this choice
        *(files.UploadTarget(_document_key(e.slug), e.title, e.date) for e in events),
    ]
    return files.upload_form(
        scoped_object(DOCUMENTS_PREFIX), targets, done=f"{config.base_url()}/beheer/documenten/klaar"
    )


def _document_key(owner: str) -> str:
    return document_object(f"{owner}.{secrets.token_hex(6)}", secrets.token_hex(8))


def finish_upload(organiser: Account, key: str) -> Material:
    """Check what S3 received and keep it as a draft, open to organisers only until it is described."""
    match = _match_key(key or "")
    if not match:
        raise NotFound()
    material_id = match.group(1)
    existing = library_store().material(material_id)
    if existing is not None and existing.object_key == key:
        return existing  # the browser came back twice
    slug = material_id.split(".", 1)[0]
    event = event_store().get_meta(slug) if slug != "_" else None
    if existing is not None or (slug != "_" and event is None):
        # the form is signed for all of documents/, so a browser can send any key there: one naming a
        # material that exists, or an event that does not, is no new document
        s3.discard(key)
        raise NotFound()
    stored = files.verify(key)  # or UploadRejected / ServiceBusy, the object gone
    material = Material(
        id=material_id,
        title=stored.filename.rsplit(".", 1)[0].replace("-", " ") or _("Document"),
        file_type=stored.file_type,
        access=MaterialAccess.ORGANISERS,
        date=event.date if event else clock.now().date(),
        object_key=stored.key,
        object_version=stored.version,
        size=stored.size,
        filename=stored.filename or files.clean_filename("document", stored.file_type),
        uploaded_at=clock.now(),
        themes=event.themes if event else (),
        event_slug=event.slug if event else "",
        event_title=event.title if event else "",
        status=MaterialStatus.DRAFT,
    )
    entry = AuditChange(organiser.email, "material.uploaded", material.id, {}, _snapshot(material), _now())
    materials.save(material, entry)
    return material


def materials_page(cursor: str | None) -> Page[Material]:
    """One page of every material, drafts too, newest first, for the organisers' list."""
    return library_store().newest(config.list_page_size(), cursor)


def downloads(material_id: str) -> tuple[Material, list[Item]]:
    """A material and who downloaded it when; NotFound if there is no such material."""
    return get(material_id), library_store().downloads(material_id)


def get(material_id: str) -> Material:
    material = library_store().material(material_id) if len(material_id) <= 100 else None
    if material is None:
        raise NotFound()
    return material


def values(material: Material) -> dict[str, str]:
    result = {
        "title": material.title,
        "description": material.description,
        "access": material.access,
        "status": material.status,
    }
    result.update(themes.boxes(material.themes))
    return result


def update(organiser: Account, material_id: str, form: Mapping[str, str]) -> Material:
    material = get(material_id)
    errors: dict[str, FieldError] = {}
    title = text_field(form, "title", errors, limit=200)
    description = text_field(form, "description", errors, limit=2000, multiline=True, required=False)
    access = form.get("access", "")
    if access not in ACCESS_LEVELS:
        errors["access"] = FieldError(_("Kies wie het materiaal mag openen."))
    status = form.get("status", "")
    if status not in tuple(MaterialStatus) or (status == MaterialStatus.AFTER_EVENT and not material.event_slug):
        errors["status"] = FieldError(_("Kies wanneer het materiaal zichtbaar wordt."))
    raise_if(errors, ("title", "description", "access", "status"))
    before = _snapshot(material)
    material.title, material.description = title, description
    material.access, material.status = MaterialAccess(access), MaterialStatus(status)
    material.themes = themes.chosen(form)
    if status == MaterialStatus.AFTER_EVENT and material.publish_from is None:
        event = event_store().get_meta(material.event_slug)
        material.publish_from = event.ends_at if event else clock.now()
    if before["status"] != material.status:
        material.stamp_publication(clock.now())
    after = _snapshot(material)
    changed = [k for k in after if before[k] != after[k]]
    entry = AuditChange(
        organiser.email,
        "material.updated",
        material.id,
        {k: before[k] for k in changed},
        {k: after[k] for k in changed},
        _now(),
    )
    materials.save(material, entry)
    return material


def remove(organiser: Account, material_id: str) -> None:
    """The record first (so nobody is sent to a missing file), then every version of the file."""
    material = get(material_id)
    entry = AuditChange(organiser.email, "material.removed", material.id, _snapshot(material), {}, _now())
    materials.delete(material, entry)
    s3.delete(material.object_key)


def _snapshot(material: Material) -> Item:
    return {
        "title": material.title,
        "description": material.description,
        "access": material.access,
        "status": material.status,
        "themes": list(material.themes),
        "filename": material.filename,
    }


def _now() -> str:
    return clock.now().isoformat()
