"""Sharing a material with chosen other networks: their members find it in their own library and
search, marked with the network it came from, at the access level its owner set. Nothing else crosses.

The owner's material names the networks it is shared with. Each of those holds a copy of its item
(never of its file: the copy points at the owner's file), kept in step by every write of the material
(library/materials.py calls `follow`): edited, withdrawn, no longer shared or deleted, each copy follows.
Only published materials for everyone or for members are shared: attendees are the owner's own
meetings' and organisers the owner's own. A copy cannot be changed in the network that holds it.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from chalicelib.core import tenancy
from chalicelib.core.errors import Conflict
from chalicelib.core.i18n import _
from chalicelib.core.keys import NO_EVENT
from chalicelib.library import search
from chalicelib.library.model import Material, MaterialAccess, MaterialStatus
from chalicelib.library.store import library_store
from chalicelib.networks import service as networks

SHAREABLE = (MaterialAccess.PUBLIC, MaterialAccess.MEMBERS)


class SharedCopy(Conflict):
    message = _("Dit materiaal is gedeeld door een ander netwerk. Alleen dat netwerk kan het wijzigen.")


def copy_id(origin: str, material_id: str) -> str:
    """A copy's id in the network that holds it: the same for every write, so a copy is replaced."""
    return f"{NO_EVENT}.{hashlib.sha256(f'{origin}/{material_id}'.encode()).hexdigest()[:12]}"


def shareable(material: Material) -> bool:
    return material.status == MaterialStatus.PUBLISHED and material.access in SHAREABLE and not material.origin


def others() -> list[tenancy.Network]:
    """The networks a material of this one can be shared with."""
    return [n for n in networks.all_networks() if n.name != tenancy.name()]


def _copy(material: Material, origin: tenancy.Network) -> Material:
    """The copy as the other network holds it: no meeting, speaker or sharing of its own there."""
    return replace(
        material,
        id=copy_id(origin.name, material.id),
        event_slug="",
        slot=0,
        workshop=0,
        speaker_id="",
        shared_with=(),
        origin=origin.name,
        origin_title=origin.title_in("nl"),
        origin_id=material.id,
    )


def follow(material: Material, previously: tuple[str, ...] = (), deleted: bool = False) -> None:
    """Bring every copy in step with the material as it is now (called after each write of it)."""
    origin = tenancy.current()
    keep = () if deleted or not shareable(material) else material.shared_with
    for name in sorted({*material.shared_with, *previously}):
        try:
            network = networks.named(name)
        except networks.UnknownNetwork:
            continue  # a network that no longer exists holds nothing
        copy = _copy(material, origin)
        with tenancy.within(network):
            store = library_store()
            if name in keep:
                store.save_material(copy, None)
            elif store.material(copy.id) is not None:
                store.delete_material(copy, None)
            search.changed(copy.id)
