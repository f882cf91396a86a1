"""Publishing a working group's document: a lead of the group or an organiser chooses one version and
makes it a material of the network's library, for members or for everyone, with a title and themes.

The library gets a copy of the chosen version's file, an object of its own under documents/ like any
organiser's document: the library's pages, downloads, text extraction and organisers' edits (removing
a material deletes its file) then work on it as on every other material, and nothing they do can touch
the group's versions. A later version reaches the library only when someone publishes it; that replaces
the material's file (same material, so its address and downloads stay). The document records which
version is published, in the same transaction as the material, so the two never disagree. Withdrawing
removes the material and its copy. Every change is audited ("group_document.published", ".withdrawn").
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from chalicelib.accounts.model import Account
from chalicelib.audit.store import AuditChange
from chalicelib.core import clock, s3, themes
from chalicelib.core.dynamo import Item, refused_as
from chalicelib.core.errors import Conflict, Forbidden, GroupNotFound, InvalidInput
from chalicelib.core.forms import FieldError, text_field, whole_number
from chalicelib.core.i18n import _
from chalicelib.core.keys import NO_EVENT
from chalicelib.core.object_keys import document_object
from chalicelib.library import files, group_documents, materials
from chalicelib.library.group_document_model import DocumentHistory, DocumentVersion, GroupDocument
from chalicelib.library.group_document_store import StaleDocument, group_document_store
from chalicelib.library.model import Material, MaterialAccess, MaterialStatus
from chalicelib.library.store import library_store

# a group publishes to the whole network: its members, or everyone
LEVELS = (MaterialAccess.MEMBERS, MaterialAccess.PUBLIC)
TITLE_MAX = 200
PUBLISH_FIELDS = ("version", "title", "access")


@dataclass(frozen=True)
class DocumentPage:
    """A document as its page shows it: its history, the material the library holds of it (None when
    none, also when an organiser removed it there), and whether the viewer may publish."""

    history: DocumentHistory
    material: Material | None
    may_publish: bool


def page(viewer: Account | None, group: str, document_id: str) -> DocumentPage:
    """One Query for the document and its versions, and one read of its material when it has one."""
    found = group_documents.history(viewer, group, document_id)
    material_id = found.document.material_id
    material = library_store().material(material_id) if material_id else None
    return DocumentPage(found, material, viewer is not None and viewer.manages_group(group))


def values(shown: DocumentPage) -> dict[str, str]:
    """The publish form as it starts: the newest version, and what the library holds now (or the
    document's title, for members)."""
    current, material = shown.history.current, shown.material
    result = {
        "version": str(current.number) if current else "",
        "title": material.title if material else shown.history.document.title,
        "access": material.access if material and material.access in LEVELS else MaterialAccess.MEMBERS,
    }
    result.update(themes.boxes(material.themes if material else ()))
    return result


def _managed(actor: Account | None, group: str, document_id: str) -> tuple[Account, DocumentHistory]:
    found = group_documents.history(actor, group, document_id)  # GroupNotFound for anyone outside
    if actor is None or not actor.manages_group(group):
        raise Forbidden()  # a member of the group: they know the document, only leads publish it
    return actor, found


def publish(actor: Account | None, group: str, document_id: str, form: Mapping[str, str]) -> Material:
    """Make the chosen version the library's material of the document, at the chosen level."""
    lead, found = _managed(actor, group, document_id)
    version, title, access = _chosen(found, form)
    document = found.document
    material_id = document.material_id or f"{NO_EVENT}.{secrets.token_hex(6)}"
    previous = library_store().material(material_id) if document.material_id else None
    checked = files.StoredFile(
        version.object_key, version.size, version.filename, version.object_version, version.file_type
    )
    copy = files.keep(checked, document_object(material_id, secrets.token_hex(8)))
    if copy is None:
        raise GroupNotFound()  # the version's file is gone
    now = clock.now()
    material = Material(
        id=material_id,
        title=title,
        description=previous.description if previous else "",
        themes=themes.chosen(form),
        file_type=copy.file_type,
        access=access,
        date=now.date(),
        object_key=copy.key,
        object_version=copy.version,
        size=copy.size,
        filename=copy.filename,
        uploaded_at=now,
        status=MaterialStatus.PUBLISHED,
        published_at=previous.published_at if previous else None,
        shared_with=previous.shared_with if previous else (),
    )
    material.stamp_publication(now)  # once visible, followers heard of it: a new version is no news
    before = _publication(document)
    document.published_version, document.material_id = version.number, material_id
    document.published_access, document.published_at = material.access, now
    entry = _audit(lead, "group_document.published", document, before, {**_publication(document), "title": title})
    try:
        with refused_as(StaleDocument):
            materials.save(
                material,
                entry,
                previously=material.shared_with,
                also=[group_document_store().document_write(document)],
            )
    except Exception as error:
        s3.discard(copy.key)  # no material points to the copy: it must not stay behind
        if isinstance(error, StaleDocument):
            raise Conflict() from error
        raise
    if previous is not None and previous.object_key != copy.key:
        s3.discard(previous.object_key)  # the library's copy of the version published before
    return material


def _chosen(found: DocumentHistory, form: Mapping[str, str]) -> tuple[DocumentVersion, str, MaterialAccess]:
    """The version, title and level the publish form chose; InvalidInput for what is missing."""
    errors: dict[str, FieldError] = {}
    version = found.version(whole_number(form.get("version", "")) or 0)
    if version is None:
        errors["version"] = FieldError(_("Kies een versie om te publiceren."))
    title = text_field(form, "title", errors, TITLE_MAX)
    access = form.get("access", "")
    if access not in LEVELS:
        errors["access"] = FieldError(_("Kies wie het document in de kennisbank mag openen."))
    if version is None or errors:
        raise InvalidInput({name: errors[name] for name in PUBLISH_FIELDS if name in errors})
    return version, title, MaterialAccess(access)


def withdraw(actor: Account | None, group: str, document_id: str) -> None:
    """Take the document out of the library: its material and that material's copy of the file go."""
    lead, found = _managed(actor, group, document_id)
    document = found.document
    if not document.material_id:
        return
    material = library_store().material(document.material_id)
    before = _publication(document)
    document.published_version, document.material_id = 0, ""
    document.published_access, document.published_at = None, None
    entry = _audit(lead, "group_document.withdrawn", document, before, _publication(document))
    store = group_document_store()
    try:
        with refused_as(StaleDocument):
            if material is not None:
                materials.delete(material, entry, also=[store.document_write(document)])
            else:  # an organiser removed it from the library already
                store.save(document, entry)
    except StaleDocument as exc:
        raise Conflict() from exc
    if material is not None:
        s3.discard(material.object_key)


def _publication(document: GroupDocument) -> Item:
    return {
        "version": document.published_version,
        "material": document.material_id,
        "access": document.published_access or "",
    }


def _audit(actor: Account, action: str, document: GroupDocument, before: Item, after: Item) -> AuditChange:
    return AuditChange(actor.email, action, f"{document.group}/{document.id}", before, after, clock.now().isoformat())
