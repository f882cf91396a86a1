"""Speakers: a private link to upload, replace and remove the slides of their own slots.

Files go from the browser straight to S3 (presigned POST) under incoming/; the object is checked
(files.verify) and kept under uploads/ before it becomes material, when S3 sends the browser back or
when S3's notification of its arrival reaches the check (`check_upload`), whichever comes first.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from chalicelib.accounts.model import Account
from chalicelib.audit.store import AuditChange
from chalicelib.core import clock, config, s3
from chalicelib.core.errors import Conflict, EventNotFound, LinkInvalid, NotFound
from chalicelib.core.forms import FieldError, clean_email_field, raise_if, text_field
from chalicelib.core.i18n import _
from chalicelib.core.keys import scoped_object
from chalicelib.core.object_keys import INCOMING_PREFIX, incoming, uploads_prefix
from chalicelib.events.model import Event
from chalicelib.events.parts import Slot, Workshop
from chalicelib.events.store import event_store
from chalicelib.library import files, materials
from chalicelib.library.model import InvitedSpeaker, Material, MaterialAccess, MaterialStatus, materials_of
from chalicelib.library.store import library_store
from chalicelib.mail import sending as mail

TOKEN_MAX = 64


def _match_key(key: str) -> re.Match[str] | None:
    """incoming/n/{network}/uploads/{event}/{speaker}/{material id}/{part}/{random}, in the current
    network only: offered by the server only."""
    prefix = re.escape(incoming(scoped_object("uploads/")))
    tail = r"([a-z0-9-]+)/([0-9a-f]{12})/([a-z0-9-]+\.[0-9a-f]{12})/(\d{1,3}(?:-\d{1,3})?)/[0-9a-f]{16}$"
    return re.match(f"^{prefix}{tail}", key)


@dataclass(frozen=True)
class Part:
    """What a speaker presents slides for: a programme slot, or one workshop of a round."""

    slot: Slot
    workshop: Workshop | None = None

    @property
    def key(self) -> str:
        """As `Material.part` names it."""
        return self.slot.key_of(self.workshop) if self.workshop else str(self.slot.position)

    @property
    def title(self) -> str:
        return self.workshop.title if self.workshop else self.slot.title


def _named_in(speaker: InvitedSpeaker, slot: Slot) -> list[Workshop]:
    """The workshops of a round that name the speaker among their speakers."""
    return [s for s in slot.workshops if speaker.name.casefold() in {p.name.casefold() for p in s.speakers}]


def invited_for(speaker: InvitedSpeaker, event: Event) -> list[Part]:
    """What the invitation names: each slot of theirs, and in a workshop round the workshops that name
    them (the round itself when none does)."""
    parts: list[Part] = []
    for slot in event.programme:
        if slot.position in speaker.slots:
            parts += [Part(slot, workshop) for workshop in _named_in(speaker, slot)] or [Part(slot)]
    return parts


def parts_of(speaker: InvitedSpeaker, event: Event, files: list[Material]) -> list[Part]:
    """The parts of the programme a speaker uploads for: their slots, and in a workshop round the
    workshops that name them as a speaker (every workshop of the round if none does). A file they
    keep for a part keeps that part on their page (slides for a workshop that no longer names them)."""
    kept = {m.part for m in files}
    parts = []
    for slot in event.programme:
        if slot.position not in speaker.slots:
            continue
        named = _named_in(speaker, slot)
        offered = [Part(slot, workshop) for workshop in named or slot.workshops] or [Part(slot)]
        offered += [p for p in (Part(slot), *(Part(slot, s) for s in slot.workshops)) if p.key in kept]
        parts += list(dict.fromkeys(offered))
    return parts


@dataclass
class SpeakerView:
    """A speaker's own page: the invitation, its meeting, the parts to upload for and the files kept."""

    speaker: InvitedSpeaker
    event: Event
    parts: list[Part]
    files: list[Material]


def invite(
    slug: str, slots: tuple[int, ...], name: str, organisation: str, email: str, actor: str = "command line"
) -> tuple[InvitedSpeaker, str]:
    """Store a speaker for slots of an event (drafts too) and mail them their private link."""
    event = event_store().get(slug)
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
    entry = AuditChange(actor, "speaker.invited", f"{event.slug}/{speaker.id}", {}, after, clock.now().isoformat())
    token = library_store().add_speaker(speaker, entry)
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
        parts=invited_for(speaker, event),
        link=url,
    )
    return url


def of_event(slug: str) -> list[InvitedSpeaker]:
    return library_store().speakers_of(slug)


def prefilled(event: Event, query: Mapping[str, str]) -> dict[str, str]:
    """The invitation form filled in from a speaker in the programme (`?onderdeel=3&spreker=0`, the
    link on a programme row): their name and organisation, and every slot they speak in, ticked.
    Anything else in the query gives an empty form."""
    slot = next((s for s in event.programme if str(s.position) == query.get("onderdeel")), None)
    index = query.get("spreker", "")
    if slot is None or not index.isdigit() or int(index) >= len(slot.presenters):
        return {}
    speaker = slot.presenters[int(index)]
    values = {"name": speaker.name, "organisation": speaker.organisation}
    values.update({f"slot_{s.position}": "yes" for s in event.programme if speaker in s.presenters})
    return values


def uninvited(event: Event, invited: list[InvitedSpeaker]) -> dict[int, list[tuple[int, str]]]:
    """Per slot, the programme's speakers (a round's: its workshops') nobody has invited for it yet
    (by name): (index, name)."""
    invited_names = {(position, s.name.casefold()) for s in invited if not s.revoked for position in s.slots}
    return {
        slot.position: [
            (i, person.name)
            for i, person in enumerate(slot.presenters)
            if (slot.position, person.name.casefold()) not in invited_names
        ]
        for slot in event.programme
    }


def invite_from_form(organiser: Account, slug: str, form: Mapping[str, str]) -> InvitedSpeaker:
    event = event_store().get(slug)
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
    event = event_store().get(slug)
    speaker = library_store().speaker(slug, speaker_id) if len(speaker_id) <= 12 else None
    if event is None or speaker is None:
        raise NotFound()
    return speaker, event


def resend(organiser: Account, slug: str, speaker_id: str) -> None:
    """A new link, mailed again (the speaker lost the first)."""
    speaker, event = _invited(slug, speaker_id)
    if speaker.revoked:
        raise Conflict(_("Deze uitnodiging is ingetrokken."))
    entry = AuditChange(organiser.email, "speaker.resent", f"{slug}/{speaker.id}", {}, {}, clock.now().isoformat())
    _mail_link(speaker, event, library_store().add_link(speaker, entry))


def revoke_invitation(organiser: Account, slug: str, speaker_id: str) -> None:
    speaker, _event = _invited(slug, speaker_id)
    entry = AuditChange(
        organiser.email,
        "speaker.revoked",
        f"{slug}/{speaker.id}",
        {"revoked": speaker.revoked},
        {"revoked": True},
        clock.now().isoformat(),
    )
    library_store().revoke(speaker, entry)


def open_link(token: str) -> SpeakerView:
    """The speaker behind a link; refused when unknown, revoked, or past its days after the event."""
    return _view_of(library_store().speaker_by_link(token) if 0 < len(token) <= TOKEN_MAX else None)


def _view_of(speaker: InvitedSpeaker | None) -> SpeakerView:
    if speaker is None or speaker.revoked:
        raise LinkInvalid()
    event = event_store().get(speaker.event_slug)  # a draft event's speakers can upload already
    if event is None:
        raise LinkInvalid()
    if clock.now() > event.ends_at + timedelta(days=config.speaker_link_days()):
        raise LinkInvalid()
    files = [m for m in materials_of(event) if m.speaker_id == speaker.id]
    return SpeakerView(speaker, event, parts_of(speaker, event, files), files)


def upload_form(token: str, view: SpeakerView) -> files.UploadForm:
    """The form on the speaker's page: pick one of their parts and a file, which goes straight to S3.
    Each part's key names the material it becomes, so a new file replaces the part's earlier one."""
    prefix = incoming(uploads_prefix(view.event.slug, view.speaker.id))
    targets = []
    for part in view.parts:
        existing = next((m for m in view.files if m.part == part.key), None)
        material_id = existing.id if existing else f"{view.event.slug}.{secrets.token_hex(6)}"
        key = f"{prefix}{material_id}/{part.key}/{secrets.token_hex(8)}"
        targets.append(files.UploadTarget(key, f"{part.slot.start} {part.title}"))
    return files.upload_form(prefix, targets, done=f"{config.base_url()}/spreker/{token}/klaar")


def finish_upload(token: str, key: str) -> Material:
    """The browser is back from S3: the upload checked and kept as the part's material (or found kept
    already by `check_upload`), replacing an earlier file."""
    view = open_link(token)
    match = _match_key(key or "")
    if not match or match.group(1) != view.event.slug or match.group(2) != view.speaker.id:
        raise NotFound()  # not this speaker's upload
    return _keep(view, match)


def check_upload(key: str) -> Material | None:
    """S3 reported an object under incoming/: the same check as when the speaker comes back, for an
    upload whose speaker never does. The material it became (now or before), or None: refused and
    removed (nobody's upload, a revoked or expired link, a file that fails the check), or gone."""
    match = _match_key(key)
    speaker = library_store().speaker(match.group(1), match.group(2)) if match else None
    try:
        if match is None:
            raise NotFound()
        return _keep(_view_of(speaker), match)
    except (NotFound, LinkInvalid):
        s3.discard(key)  # nobody may keep it, so nobody will check it
        return None
    except files.UploadRejected:  # removed by the check, or kept and removed by the browser's check first
        return None


def _keep(view: SpeakerView, match: re.Match[str]) -> Material:
    """Check the object under incoming/ and keep it as the part's material, replacing an earlier file.
    Run for the same upload by the browser and by S3's notification, at any moment of each other:
    whichever keeps it first makes the material, the other finds it kept (or the object gone, and then
    the material). Two that pass every step at the same moment both write the one material (keyed by
    its id), naming the version of whichever copy wrote last; both versions hold the checked file."""
    key, material_id = match.group(0), match.group(3)
    part = next((p for p in view.parts if p.key == match.group(4)), None)
    if part is None or not material_id.startswith(f"{view.event.slug}."):
        raise NotFound()
    library = library_store()
    # The form is signed for the speaker's whole prefix, so the material id in a key is theirs to
    # write: it must be the part's own file, or, for a part without one, an id nobody uses. A part
    # keeps one file, and a file keeps its part.
    previous = next((m for m in view.files if m.part == part.key), None)
    taken = material_id != previous.id if previous is not None else library.material(material_id) is not None
    if taken:
        s3.discard(key)
        raise NotFound()
    place = key.removeprefix(INCOMING_PREFIX)
    if previous and previous.object_key == place:
        # kept already: what is still at the incoming key is either that upload, about to be removed
        # by whoever kept it, or a second one through the same form, which never replaces a kept file
        s3.discard(key)
        return previous
    stored = files.arrived(key)  # or UploadRejected / ServiceBusy
    if stored is None:
        return _kept_meanwhile(material_id, place, files.not_arrived())
    kept = files.keep(stored, place)
    if kept is None:
        return _kept_meanwhile(material_id, place, files.not_arrived())
    material = _material(view, part, material_id, kept, previous)
    materials.save(material)
    s3.discard(key)  # kept: the unchecked arrival goes (or the lifecycle rule takes it)
    if previous and previous.object_key != kept.key:
        # the new file is saved and in use: an old one S3 will not delete now must not undo that
        s3.discard(previous.object_key)
    return material


def _material(
    view: SpeakerView, part: Part, material_id: str, kept: files.StoredFile, previous: Material | None
) -> Material:
    """The part's material for a kept file: a new one, or the earlier file's with the new file."""
    material = Material(
        id=material_id,
        title=part.title,
        file_type=kept.file_type,
        access=previous.access if previous else MaterialAccess.MEMBERS,
        date=view.event.date,
        object_key=kept.key,
        object_version=kept.version,
        size=kept.size,
        filename=kept.filename or files.clean_filename(part.title, kept.file_type),
        uploaded_at=clock.now(),
        themes=view.event.themes,
        event_slug=view.event.slug,
        event_title=view.event.title,
        slot=part.slot.position,
        workshop=part.workshop.id if part.workshop else 0,
        speaker_id=view.speaker.id,
        speaker_name=view.speaker.name,
        speaker_organisation=view.speaker.organisation,
        status=previous.status
        if previous
        else (MaterialStatus.AFTER_EVENT if view.event.publish_slides_after else MaterialStatus.DRAFT),
        publish_from=view.event.ends_at,
        published_at=previous.published_at if previous else None,
    )
    if previous is None:
        material.stamp_publication(clock.now())  # after the event: from its end (or now, if that was)
    return material


def _kept_meanwhile(material_id: str, place: str, gone: files.UploadRejected) -> Material:
    """The upload's object went while this check ran: kept by the other check (the browser's or the
    notification's), or never there (`gone`)."""
    material = library_store().material(material_id)
    if material is None or material.object_key != place:
        raise gone
    return material


def own_file(token: str, material_id: str) -> tuple[SpeakerView, Material]:
    """One of the speaker's own files, with their page's view (the question before removing it)."""
    view = open_link(token)
    material = next((m for m in view.files if m.id == material_id), None)
    if material is None:
        raise NotFound()  # someone else's file, or gone already
    return view, material


def remove(token: str, material_id: str) -> Material:
    """Remove one of the speaker's files; the material it was."""
    _view, material = own_file(token, material_id)
    materials.delete(material)
    s3.delete(material.object_key)
    return material


def revoke(slug: str, email: str) -> int:
    """For the command line: revoke every link of this speaker at this event."""
    store = library_store()
    revoked = 0
    for item in store.speakers_of(slug):
        if item.email.lower() == email.lower():
            entry = AuditChange(
                "command line", "speaker.revoked", f"{slug}/{item.id}", {}, {"revoked": True}, clock.now().isoformat()
            )
            store.revoke(item, entry)
            revoked += 1
    return revoked
