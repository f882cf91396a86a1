"""Every key of an object in the bucket, each inside its network (`keys.scoped_object`). Where a
lifecycle rule of the bucket must match a key, the rule's folder comes first and the network after it."""

from __future__ import annotations

import hashlib

from chalicelib.core.keys import scoped_object

DOCUMENTS_PREFIX = "documents/"  # organisers' documents: documents/{material id}/{random}


def search_index_object() -> str:
    # the network after "search/", as after "texts/" and "exports/": the bucket's rules that expire old
    # versions match these prefixes, which a key beginning with the network would never do
    return f"search/{scoped_object('library.sqlite')}"


# Where a browser's upload lands, unchecked, as incoming/{the key it is kept at once it passes}. S3 reports
# every object here to the check; a lifecycle rule removes what is left after a day. Nothing else lives here.
INCOMING_PREFIX = "incoming/"


def uploads_prefix(slug: str, speaker_id: str) -> str:
    """A speaker's uploads: uploads/{event}/{speaker}/{material id}/{part}/{random}."""
    return scoped_object(f"uploads/{slug}/{speaker_id}/")


def incoming(key: str) -> str:
    """Where an upload meant for `key` arrives (and waits for the check)."""
    return f"{INCOMING_PREFIX}{key}"


def group_documents_prefix(group: str, document_id: str, uploader: str) -> str:
    """A group member's versions of a group document: groups/{group}/{document}/{their account key}/{random}.
    The presigned form is signed for this prefix, so the key says who uploaded the file."""
    return scoped_object(f"groups/{group}/{document_id}/{uploader}/")


def document_object(material_id: str, name: str) -> str:
    return scoped_object(f"{DOCUMENTS_PREFIX}{material_id}/{name}")


def texts_prefix(material_id: str) -> str:
    """Every text taken from a material's files, one per file version."""
    return f"texts/{scoped_object(f'{material_id}/')}"


def text_object(material_id: str, source: str, version: str) -> str:
    """The text taken from one version of a material's file (`source` its key, `version` its S3
    version): a repeated reading of the same version finds it, a replaced file is read anew, and a
    rebuild of the index reads no file again. The key names the file by a hash (S3 version ids
    are opaque)."""
    file = hashlib.sha256(f"{source}\n{version}".encode()).hexdigest()[:32]
    return f"{texts_prefix(material_id)}{file}.txt"


# A network's logo arrives here, unchecked, as logo-uploads/n/{network}/{random}: the network after the
# folder, so that the bucket's rule that removes what is left after a day matches the prefix.
LOGO_UPLOADS_PREFIX = "logo-uploads/"


def logo_uploads_prefix() -> str:
    """Where the current network's organisers' browsers send a logo, to be checked."""
    return f"{LOGO_UPLOADS_PREFIX}{scoped_object('')}"


def logo_object(name: str) -> str:
    """A logo that passed the check, named by a hash of its content (`{hash}.png`): a new logo is a new
    key, so the address the pages show can be cached for good."""
    return scoped_object(f"logos/{name}")


def export_object(export_id: str, filename: str) -> str:
    # the network after "exports/": the bucket's rule that removes exports after a day matches the prefix
    return f"exports/{scoped_object(f'{export_id}/{filename}')}"
