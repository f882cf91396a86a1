"""A working group's documents: its members make them and upload versions; every version is kept.

A version goes from the browser straight to S3 (presigned POST) under incoming/, is checked
(files.verify) and kept under the group's prefix, as speakers' slides are: when S3 sends the browser
back, or when S3's notification of its arrival reaches the check (`check_upload`), whichever comes
first. A kept version's object is never written again. Only the group's members and the network's
organisers learn that a document exists: to anyone else it is missing (GroupNotFound). Every change
is audited ("group_document.*"); publishing to the library is library/group_publishing.py's.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from chalicelib.accounts import groups
from chalicelib.accounts.groups import NAME as GROUP_NAME
from chalicelib.accounts.model import Account, Group
from chalicelib.accounts.store import account_store
from chalicelib.audit.store import AuditChange
from chalicelib.core import clock, config, s3
from chalicelib.core.dynamo import Item
from chalicelib.core.errors import Conflict, GroupNotFound, NotFound
from chalicelib.core.forms import FieldError, raise_if, text_field
from chalicelib.core.i18n import _
from chalicelib.core.keys import email_key, scoped_object
from chalicelib.core.object_keys import INCOMING_PREFIX, group_documents_prefix, incoming
from chalicelib.library import files
from chalicelib.library.group_document_model import MAX_VERSIONS, DocumentHistory, DocumentVersion, GroupDocument

# the group page's list of documents, built from the items of its partition that it read already
# (Roster.items): no read of its own
from chalicelib.library.group_document_model import histories as histories
from chalicelib.library.group_document_store import StaleDocument, group_document_store
from chalicelib.library.model import FILE_TYPES

TITLE_MAX = 200
DOCUMENT_ID = re.compile(r"^[0-9a-f]{12}$")
COMMAND_LINE = "command line"
# two uploads that finish at the same moment each take the next number: the one that loses reads again
WRITE_TRIES = 3


@dataclass(frozen=True)
class GroupDocuments:
    """A group with its documents, for a page about the group that is not the group's own."""

    group: Group
    documents: list[DocumentHistory]


def of_group(viewer: Account | None, group: str) -> GroupDocuments:
    """The group and its documents, for someone who may see them (GroupNotFound otherwise)."""
    roster = groups.roster(viewer, group)
    return GroupDocuments(roster.group, histories(roster.items))


def seen(viewer: Account | None, group: str) -> Account:
    """The viewer, if they may see the group's documents (its members, the organisers); GroupNotFound
    otherwise, as for a group that does not exist."""
    if viewer is None or not (2 <= len(group) <= 40 and GROUP_NAME.match(group)) or not viewer.sees_group(group):
        raise GroupNotFound()
    return viewer


def history(viewer: Account | None, group: str, document_id: str) -> DocumentHistory:
    seen(viewer, group)
    found = group_document_store().history(group, document_id) if DOCUMENT_ID.match(document_id) else None
    if found is None:
        raise GroupNotFound()
    return found


def create(viewer: Account | None, group: str, form: Mapping[str, str]) -> GroupDocument:
    """A new document, by its title; its first version is uploaded on its page."""
    author = seen(viewer, group)
    errors: dict[str, FieldError] = {}
    title = text_field(form, "title", errors, TITLE_MAX)
    raise_if(errors, ("title",))
    document = GroupDocument(group, secrets.token_hex(6), title, clock.now(), author.email)
    after = {"title": title}
    try:
        group_document_store().create(document, _audit(author.email, "group_document.created", document, {}, after))
    except StaleDocument as exc:
        raise GroupNotFound() from exc  # the group is gone
    return document


def upload_form(viewer: Account, found: DocumentHistory) -> files.UploadForm:
    """The form for the document's next version: the key names the document and the uploader."""
    document = found.document
    prefix = incoming(group_documents_prefix(document.group, document.id, viewer.key))
    done = f"{config.base_url()}/groepen/{document.group}/documenten/{document.id}/klaar"
    return files.upload_form(prefix, [files.UploadTarget(f"{prefix}{secrets.token_hex(8)}", "")], done)


def _match_key(key: str) -> re.Match[str] | None:
    """incoming/n/{network}/groups/{group}/{document}/{uploader's account key}/{random}, in the current
    network only: offered by the server only."""
    prefix = re.escape(incoming(scoped_object("groups/")))
    return re.match(f"^{prefix}([a-z0-9-]{{2,40}})/([0-9a-f]{{12}})/([0-9a-f]{{32}})/[0-9a-f]{{16}}$", key)


def is_group_upload(key: str) -> bool:
    """Whether an arrival under incoming/ is meant for a group document (of any network)."""
    parts = key.removeprefix(INCOMING_PREFIX).split("/")
    return len(parts) > 3 and parts[2] == "groups"


def finish_upload(viewer: Account | None, group: str, document_id: str, key: str) -> DocumentVersion:
    """The browser is back from S3: the upload checked and kept as the document's next version (or
    found kept already by `check_upload`)."""
    uploader = seen(viewer, group)
    match = _match_key(key or "")
    if not match or match.groups()[:3] != (group, document_id, uploader.key):
        raise NotFound()  # not this person's upload to this document
    return _keep(uploader, match)


def check_upload(key: str) -> DocumentVersion | None:
    """S3 reported an object under incoming/ for a group document: the same check as when the browser
    comes back, for an uploader who never does. The version it became (now or before), or None:
    refused and removed (nobody's upload, someone no longer in the group, a file that fails the check)."""
    match = _match_key(key)
    uploader = account_store().get_by_key(match.group(3)) if match else None
    try:
        if match is None or uploader is None:
            raise NotFound()
        seen(uploader, match.group(1))
        return _keep(uploader, match)
    except NotFound:
        s3.discard(key)  # nobody may keep it, so nobody will check it
        return None
    except files.UploadRejected:  # removed by the check, or kept and removed by the browser's check first
        return None


def _keep(uploader: Account, match: re.Match[str]) -> DocumentVersion:
    """Check the object under incoming/ and keep it as the document's next version. The browser and
    S3's notification may run this for the same upload at any moment of each other: whichever writes
    the version first makes it, the other finds it (by the object's key) and adds none."""
    key, group, document_id = match.group(0), match.group(1), match.group(2)
    place = key.removeprefix(INCOMING_PREFIX)
    found = group_document_store().history(group, document_id)
    if found is None:
        s3.discard(key)
        raise NotFound()
    kept_before = _kept_as(found, place)
    if kept_before is not None:
        s3.discard(key)  # the upload's leftover, or a second one through the same form: never kept twice
        return kept_before
    stored = files.arrived(key)  # or UploadRejected / ServiceBusy
    if stored is None:
        return _kept_meanwhile(group, document_id, place, files.not_arrived())
    kept = files.keep(stored, place)
    if kept is None:
        return _kept_meanwhile(group, document_id, place, files.not_arrived())
    version = add_version(uploader.email, uploader.name, found, kept)
    s3.discard(key)
    return version


def _kept_as(found: DocumentHistory, place: str) -> DocumentVersion | None:
    return next((v for v in found.versions if v.object_key == place), None)


def _kept_meanwhile(group: str, document_id: str, place: str, gone: files.UploadRejected) -> DocumentVersion:
    """The upload's object went while this check ran: kept by the other check, or never there (`gone`)."""
    found = group_document_store().history(group, document_id)
    version = _kept_as(found, place) if found else None
    if version is None:
        raise gone
    return version


def add_version(email: str, name: str, found: DocumentHistory, kept: files.StoredFile) -> DocumentVersion:
    """A checked file as the document's next version: its number is the newest plus one, taken in the
    same transaction that writes the version, so two uploads at once never share one."""
    store = group_document_store()
    for _try in range(WRITE_TRIES):
        document = found.document
        if document.latest >= MAX_VERSIONS:
            raise Conflict(_("Dit document heeft het grootste aantal versies bereikt. Begin een nieuw document."))
        version = DocumentVersion(
            document_id=document.id,
            number=document.latest + 1,
            object_key=kept.key,
            object_version=kept.version,
            size=kept.size,
            filename=kept.filename or files.clean_filename(document.title, kept.file_type),
            file_type=kept.file_type,
            uploaded_at=clock.now(),
            uploaded_by=email,
            uploader_name=name,
        )
        before = {"latest": document.latest}
        document.latest = version.number
        entry = _audit(email, "group_document.version_added", document, before, {"latest": version.number})
        try:
            store.add_version(document, version, entry)
            return version
        except StaleDocument:
            again = store.history(document.group, document.id)
            if again is None:
                raise NotFound() from None
            kept_before = _kept_as(again, kept.key)
            if kept_before is not None:
                return kept_before
            found = again
    raise Conflict()


def download(viewer: Account | None, group: str, document_id: str, number: str) -> str:
    """A presigned link, for a few minutes, to one version's checked file."""
    seen(viewer, group)
    version = None
    if DOCUMENT_ID.match(document_id) and number.isdigit() and 0 < len(number) <= 3:
        version = group_document_store().version(group, document_id, int(number))
    if version is None:
        raise GroupNotFound()
    return files.download_url(version.object_key, version.filename, version.file_type, version.object_version)


def add_by_command(group: str, title: str, content: bytes, filename: str, email: str = "") -> DocumentVersion:
    """For the command line: a new document with a first version, checked as an upload is. The
    uploader is the group member whose address is `email`, or else the command line. ValueError for
    what the command was given wrong; GroupNotFound for a group that does not exist."""
    extension = filename.rsplit(".", 1)[-1].lower()
    if not 0 < len(title.strip()) <= TITLE_MAX or extension not in FILE_TYPES:
        raise ValueError(f"need a title of 1 to {TITLE_MAX} characters and a file of type {list(FILE_TYPES)}")
    account = account_store().get(email) if email else None
    if email and (account is None or not account.sees_group(group)):
        raise ValueError(f"{email} is no member of group {group} (nor an organiser)")
    actor = account.email if account else COMMAND_LINE
    document = GroupDocument(group, secrets.token_hex(6), title.strip(), clock.now(), actor)
    key = f"{group_documents_prefix(group, document.id, email_key(actor))}{secrets.token_hex(8)}"
    files.put(key, content, extension, filename)
    stored = files.verify(key)  # or UploadRejected, the object removed: then no document is made
    try:
        group_document_store().create(document, _audit(actor, "group_document.created", document, {}, {"title": title}))
    except StaleDocument as exc:
        s3.discard(key)
        raise GroupNotFound() from exc
    return add_version(actor, account.name if account else actor, DocumentHistory(document, []), stored)


def _audit(actor: str, action: str, document: GroupDocument, before: Item, after: Item) -> AuditChange:
    return AuditChange(actor, action, f"{document.group}/{document.id}", before, after, clock.now().isoformat())
