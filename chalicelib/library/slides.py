"""A meeting's speakers' slides as materials of the library: by programme slot for the organisers'
Sprekers tab, and following the meeting's own setting and end after an organiser changes it."""

from __future__ import annotations

from chalicelib.core import clock
from chalicelib.events.model import Event
from chalicelib.library import materials
from chalicelib.library.model import Material, MaterialStatus, materials_of


def slides_by_slot(event: Event) -> dict[int, list[Material]]:
    """The speakers' files of each programme slot (a round's: one per workshop), for the Sprekers tab."""
    files = [m for m in materials_of(event) if m.speaker_id]
    return {slot.position: [m for m in files if m.slot == slot.position] for slot in event.programme}


def follow_event(event: Event) -> None:
    """After an organiser's change of the event: speakers' slides that no organiser published by hand
    follow the event's setting (published after the meeting, or not) and its end."""
    for material in materials_of(event):
        if not material.speaker_id or material.status == MaterialStatus.PUBLISHED:
            continue
        status = MaterialStatus.AFTER_EVENT if event.publish_slides_after else MaterialStatus.DRAFT
        if (material.status, material.publish_from) != (status, event.ends_at):
            material.status, material.publish_from = status, event.ends_at
            material.stamp_publication(clock.now())
            materials.save(material)
