"""Writing a material: the item (with its audit entry), then the search index is told.

The index follows through its own queue (library/search.py), so a material is saved even when the
queue cannot be reached. Every write of a material goes through here, so none is left out of search,
and the copies in the networks it is shared with follow it (library/sharing.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from chalicelib.audit.store import AuditChange
from chalicelib.core.dynamo import TransactItem
from chalicelib.library import search, sharing
from chalicelib.library.model import Material
from chalicelib.library.store import library_store


def save(
    material: Material,
    audit: AuditChange | None = None,
    previously: tuple[str, ...] = (),
    also: Sequence[TransactItem] = (),
) -> None:
    """`previously`: the networks it was shared with before this write, if that changes; `also`: writes
    made in the same transaction (a group document that records its publication)."""
    if material.origin:
        raise sharing.SharedCopy()
    library_store().save_material(material, audit, also)
    search.changed(material.id)
    sharing.follow(material, previously)


def delete(material: Material, audit: AuditChange | None = None, also: Sequence[TransactItem] = ()) -> None:
    if material.origin:
        raise sharing.SharedCopy()
    library_store().delete_material(material, audit, also)
    search.changed(material.id)
    sharing.follow(material, deleted=True)
