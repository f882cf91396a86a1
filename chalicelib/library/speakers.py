"""Speakers: a private link to upload, replace and remove the slides of their own slots.

Files go from the browser straight to S3 (presigned POST); when S3 sends the
browser back, the object is checked (storage.verify) before it becomes material.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from chalicelib import stores
from chalicelib.accounts.model import Account
from chalicelib.audit.store import audit_entry
from chalicelib.core import clock, config
from chalicelib.core.errors import Conflict, EventNotFound, InvalidInput, LinkInvalid, NotFound
from chalicelib.core.forms import FieldError, clean_email_field, raise_if, text_field
from chalicelib.core.i18n import _
from chalicelib.events.model import Event, Slot
from chalicelib.library import storage
from chalicelib.library.model import FILE_TYPES, FileType, InvitedSpeaker, Material, MaterialAccess, MaterialStatus
from chalicelib.mail import sending as mail

TOKEN_MAX = 64
# uploads/{event}/{speaker}/{material id}/{slot}/{random}.{extension}: made by the server only
_KEY = re.compile(
    r"^uploads/([a-z0-9-]+)/([0-9a-f]{12})/([a-z0-9-]+\.[0-9a-f]{12})/(\d{1,3})/[0-9a-f]{16}\.(pdf|pptx|odp|docx)$"
)


@dataclass
class SpeakerView:
    speaker: InvitedSpeaker
    event: Event
    slots: list[Slot]
    files: list[Material]


@dataclass
class UploadForms:
    """Two presigned POSTs for the same object: a plain form (S3 redirects back) and the script's (201)."""

    plain: dict[str, Any]
    scripted: dict[str, Any]
    extension: str
    slot: Slot


def invite(
    slug: str, slots: tuple[int, ...], name: str, organisation: str, email: str, actor: str = "command line"
) -> tuple[InvitedSpeaker, str]:
    """Store a speaker for slots of an event (drafts too) and mail them their private link."""
    event = stores.events().get(slug)
    if event is None:
        raise EventNotFound()
    positions = {s.position for s in event.programme}
    if not slots or not set(slots) <= positions:
        raise ValueError(f"slots must be among {sorted(positions)}")
    return _invite(event, slots, name, organisation, email, actor)


def _invite(
    event: Event, slots: tuple[int, ...], name: str, organisation: str, email: str, actor: str
) -> tuple[InvitedSpeaker, str]:
    speaker = InvitedSpeaker(
        event.slug, secrets.token_hex(6), name, organisation, email, tuple(sorted(slots)), clock.now()
    )
    after = {"name": name, "organisation": organisation, "email": email, "slots": list(speaker.slots)}
    entry = audit_entry(actor, "speaker.invited", f"{event.slug}/{speaker.id}", {}, after, clock.now().isoformat())
    token = stores.library().add_speaker(speaker, entry)
    return speaker, _mail_link(speaker, event, token)


def _mail_link(speaker: InvitedSpeaker, event: Event, token: str) -> str:
    url = f"{config.base_url()}/spreker/{token}"
    mail.send(
        speaker.email,
        _("Uw dia's voor %(title)s"),
        "speaker_invite",
        "nl",
        subject_params={"title": event.title},
        speaker=speaker,
        event=event,
        link=url,
    )
    return url


def of_event(slug: str) -> list[InvitedSpeaker]:
    return stores.library().speakers_of(slug)


def invite_from_form(organiser: Account, slug: str, form: Mapping[str, str]) -> InvitedSpeaker:
    event = stores.events().get(slug)
    if event is None:
        raise NotFound()
    errors: dict[str, FieldError] = {}
    name = text_field(form, "name", errors, limit=100)
    organisation = text_field(form, "organisation", errors, limit=150, required=False)
    email = clean_email_field(form, errors)
    slots = tuple(s.position for s in event.programme if form.get(f"slot_{s.position}") == "yes")
    if not slots:
        errors["slots"] = FieldError(_("Kies ten minste één onderdeel van het programma."))
    raise_if(errors, ("name", "organisation", "email", "slots"))
    speaker, _url = _invite(event, slots, name, organisation, email, actor=organiser.email)  # the event read above
    return speaker


def _invited(slug: str, speaker_id: str) -> tuple[InvitedSpeaker, Event]:
    event = stores.events().get(slug)
    speaker = stores.library().speaker(slug, speaker_id) if len(speaker_id) <= 12 else None
    if event is None or speaker is None:
        raise NotFound()
    return speaker, event


def resend(organiser: Account, slug: str, speaker_id: str) -> None:
    """A new link, mailed again (the speaker lost the first)."""
    speaker, event = _invited(slug, speaker_id)
    if speaker.revoked:
        raise Conflict(_("Deze uitnodiging is ingetrokken."))
    entry = audit_entry(organiser.email, "speaker.resent", f"{slug}/{speaker.id}", {}, {}, clock.now().isoformat())
    _mail_link(speaker, event, stores.library().add_link(speaker, entry))


def revoke_invitation(organiser: Account, slug: str, speaker_id: str) -> None:
    speaker, _event = _invited(slug, speaker_id)
    entry = audit_entry(
        organiser.email,
        "speaker.revoked",
        f"{slug}/{speaker.id}",
        {"revoked": speaker.revoked},
        {"revoked": True},
        clock.now().isoformat(),
    )
    stores.library().revoke(speaker, entry)


def open_link(token: str) -> SpeakerView:
    """The speaker behind a link; refused when unknown, revoked, or past its days after the event."""
    speaker = stores.library().speaker_by_link(token) if 0 < len(token) <= TOKEN_MAX else None
    if speaker is None or speaker.revoked:
        raise LinkInvalid()
    event = stores.events().get(speaker.event_slug)  # a draft event's speakers can upload already
    if event is None:
        raise LinkInvalid()
    if clock.now() > event.ends_at + timedelta(days=config.speaker_link_days()):
        raise LinkInvalid()
    slots = [s for s in event.programme if s.position in speaker.slots]
    files = [m for m in event.materials if m.speaker_id == speaker.id]
    return SpeakerView(speaker, event, slots, files)


def start_upload(token: str, form: Mapping[str, str]) -> UploadForms:
    view = open_link(token)
    errors: dict[str, FieldError] = {}
    slot = next((s for s in view.slots if str(s.position) == form.get("slot")), None)
    if slot is None:
        errors["slot"] = FieldError(_("Kies een van uw onderdelen van het programma."))
    extension = form.get("file_type", "")
    if extension not in FILE_TYPES:
        errors["file_type"] = FieldError(
            _("Kies PDF, PowerPoint (pptx), OpenDocument-presentatie (odp) of Word (docx).")
        )
    if errors or slot is None:
        raise InvalidInput(errors)
    existing = next((m for m in view.files if m.slot == slot.position), None)
    material_id = existing.id if existing else f"{view.event.slug}.{secrets.token_hex(6)}"
    key = (
        f"uploads/{view.event.slug}/{view.speaker.id}/{material_id}/{slot.position}/{secrets.token_hex(8)}.{extension}"
    )
    done = f"{config.base_url()}/spreker/{token}/klaar"
    return UploadForms(
        plain=storage.presigned_upload(key, extension, redirect=done),
        scripted=storage.presigned_upload(key, extension, redirect=None),
        extension=extension,
        slot=slot,
    )


def finish_upload(token: str, key: str) -> Material:
    """Check the object S3 received; keep it as the slot's material, replacing an earlier file."""
    view = open_link(token)
    match = _KEY.match(key or "")
    if not match or match.group(1) != view.event.slug or match.group(2) != view.speaker.id:
        raise NotFound()  # not this speaker's upload
    material_id, position, extension = match.group(3), int(match.group(4)), match.group(5)
    slot = next((s for s in view.slots if s.position == position), None)
    if slot is None or not material_id.startswith(f"{view.event.slug}."):
        raise NotFound()
    library = stores.library()
    previous = library.material(material_id)
    if previous and previous.object_key == key and previous.speaker_id == view.speaker.id:
        # the browser came back twice: checking again could only delete the checked file (say a second
        # upload through the same form failed the check); what counts is the version already kept
        return previous
    stored = storage.verify(key, extension)  # or UploadRejected / ServiceBusy, the object gone
    if previous and previous.speaker_id != view.speaker.id:
        storage.discard(key)
        raise NotFound()
    material = Material(
        id=material_id,
        title=slot.title,
        file_type=FileType(extension),
        access=previous.access if previous else MaterialAccess.MEMBERS,
        date=view.event.date,
        object_key=stored.key,
        object_version=stored.version,
        size=stored.size,
        filename=stored.filename or storage.clean_filename(slot.title, extension),
        uploaded_at=clock.now(),
        themes=view.event.themes,
        event_slug=view.event.slug,
        event_title=view.event.title,
        slot=slot.position,
        speaker_id=view.speaker.id,
        status=previous.status
        if previous
        else (MaterialStatus.AFTER_EVENT if view.event.publish_slides_after else MaterialStatus.DRAFT),
        publish_from=view.event.ends_at,
    )
    library.save_material(material)
    if previous and previous.object_key != stored.key:
        # the new file is saved and in use: an old one S3 will not delete now must not undo that
        storage.discard(previous.object_key)
    return material


def remove(token: str, material_id: str) -> None:
    view = open_link(token)
    material = next((m for m in view.files if m.id == material_id), None)
    if material is None:
        raise NotFound()  # someone else's file, or gone already
    stores.library().delete_material(material)
    storage.delete(material.object_key)


def revoke(slug: str, email: str) -> int:
    """For the command line: revoke every link of this speaker at this event."""
    store = stores.library()
    revoked = 0
    for item in store.speakers_of(slug):
        if item.email.lower() == email.lower():
            entry = audit_entry(
                "command line", "speaker.revoked", f"{slug}/{item.id}", {}, {"revoked": True}, clock.now().isoformat()
            )
            store.revoke(item, entry)
            revoked += 1
    return revoked
