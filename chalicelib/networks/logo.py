"""A network's own logo: uploaded by its organisers, checked, kept by the hash of its content, shown
in the header of its pages and served from the portal's own address.

The file goes from the browser straight to S3 (a presigned POST of at most `MAX_BYTES`) under the
network's logo-uploads/ prefix, where the bucket removes what nobody checked after a day. When the
browser comes back, the upload is read once and held to core/images.py: PNG or JPEG by its bytes,
whole, and of a sensible size in pixels. A refused file is deleted and changes nothing. One that
passes is written to `logos/{hash}.{png|jpg}` in the network's objects and named in the network's
settings in one transaction with its audit entry; only then are the upload and the logo it replaces
deleted. Its address changes whenever its content does, so browsers may keep it for a year.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from contextlib import closing
from dataclasses import dataclass

from botocore.exceptions import ClientError, IncompleteReadError

from chalicelib.audit.store import AuditChange
from chalicelib.core import aws, clock, config, images, s3, tenancy
from chalicelib.core.errors import Conflict, NotFound, ServiceBusy
from chalicelib.core.i18n import _
from chalicelib.core.images import PictureKind
from chalicelib.core.object_keys import logo_object, logo_uploads_prefix
from chalicelib.core.tenancy import Logo
from chalicelib.networks import service as networks
from chalicelib.networks.store import LogoChanged, network_store

MAX_BYTES = 200 * 1024  # a logo shown 40 pixels high needs a few kilobytes; this leaves room for a sharp one
# in pixels, each side: smaller cannot be read, larger only costs every visitor's browser memory
SIDES = (16, 1200)
# {the first 32 hex digits of its SHA-256}.{png|jpg}: the only names a logo is kept and served under
NAME = re.compile(r"[0-9a-f]{32}\.(png|jpg)")
_UPLOAD_NAME = re.compile(r"[0-9a-f]{16}")
_GONE = ("404", "NoSuchKey")
_TRIES = 3  # writes of the logo when another organiser changes it at the same moment


class LogoRefused(Exception):
    """Why a file did not become the logo: a message for the organiser (msgid and its parameters)."""

    def __init__(self, msgid: str, **params: object) -> None:
        super().__init__(msgid)
        self.msgid, self.params = msgid, params


@dataclass(frozen=True)
class LogoForm:
    """The presigned POST on the settings page, in two variants: a plain form, which S3 answers by
    sending the browser to `done`, and upload.js's, which S3 answers with 201. `key` is where it goes."""

    url: str
    plain: dict[str, str]
    scripted: dict[str, str]
    key: str
    done: str


def upload_form() -> LogoForm:
    prefix = logo_uploads_prefix()
    done = f"{config.base_url()}/beheer/netwerk/logo"
    plain = s3.upload_post(prefix, MAX_BYTES, redirect=done)
    scripted = s3.upload_post(prefix, MAX_BYTES, redirect=None)
    return LogoForm(plain["url"], plain["fields"], scripted["fields"], prefix + secrets.token_hex(8), done)


def finish_upload(organiser_email: str, key: str) -> Logo:
    """The browser is back from S3: the upload checked and made the current network's logo.
    LogoRefused (the upload deleted) when it is no fit logo or never arrived; ServiceBusy when S3
    failed in passing, the upload left for another try."""
    prefix = logo_uploads_prefix()
    if not key.startswith(prefix) or not _UPLOAD_NAME.fullmatch(key.removeprefix(prefix)):
        raise NotFound()  # no upload the settings page offered
    content = _arrived(key)
    try:
        logo = use(content, organiser_email)
    except LogoRefused:
        s3.discard(key)
        raise
    s3.discard(key)
    return logo


def _arrived(key: str) -> bytes:
    """The uploaded file, read once; never more than MAX_BYTES."""
    try:
        response = aws.s3().get_object(Bucket=config.bucket_name(), Key=key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in _GONE:
            raise LogoRefused(_("Het bestand is niet aangekomen. Probeer het opnieuw.")) from error
        raise
    with closing(response["Body"]) as body:
        if int(response["ContentLength"]) > MAX_BYTES:
            s3.discard(key)
            raise _too_large()
        try:
            return body.read(MAX_BYTES + 1)
        except IncompleteReadError as error:  # the connection lost half-way
            raise ServiceBusy() from error


def _too_large() -> LogoRefused:
    return LogoRefused(_("Het logo is te groot: maximaal %(max)d kB."), max=MAX_BYTES // 1024)


def checked(content: bytes) -> Logo:
    """The logo a file makes, named by a hash of its content; LogoRefused when it is none."""
    if len(content) > MAX_BYTES:
        raise _too_large()
    kind = images.kind_of(content)
    if kind is None:
        raise LogoRefused(
            _(
                "Een logo is een PNG- of JPEG-afbeelding, en dit bestand is geen van beide. SVG kan script bevatten en nemen we daarom niet aan."
            )
        )
    picture = images.picture(content)
    if picture is None:
        raise LogoRefused(
            _("Het bestand lijkt een %(kind)s-afbeelding, maar is beschadigd of onvolledig."), kind=kind.name
        )
    low, high = SIDES
    if not (low <= picture.width <= high and low <= picture.height <= high):
        raise LogoRefused(
            _("Het logo is %(width)d bij %(height)d pixels; het mag %(low)d tot %(high)d pixels breed en hoog zijn."),
            width=picture.width,
            height=picture.height,
            low=low,
            high=high,
        )
    return Logo(f"{hashlib.sha256(content).hexdigest()[:32]}.{kind}", picture.width, picture.height)


def use(content: bytes, actor: str) -> Logo:
    """Make a file the current network's logo (the organiser's upload, or the demo's file): checked,
    kept, then named in the settings, audited. The logo it replaces is deleted after that. Should the
    settings not be written (a passing fault, a race lost every time), the kept file is named nowhere
    and shown nowhere; another try writes the same key again."""
    logo = checked(content)
    kind = PictureKind(logo.name.rsplit(".", 1)[1])
    # written before the settings name it: a page never points at a logo that is not there yet
    aws.s3().put_object(
        Bucket=config.bucket_name(), Key=logo_object(logo.name), Body=content, ContentType=kind.content_type
    )
    replaced = _record(logo, actor)
    if replaced is not None and replaced.name != logo.name:
        s3.discard(logo_object(replaced.name))
    return logo


def remove(actor: str) -> None:
    """The current network shows the portal's own mark again; its logo is deleted."""
    replaced = _record(None, actor)
    if replaced is not None:
        s3.discard(logo_object(replaced.name))


def _record(logo: Logo | None, actor: str) -> Logo | None:
    """Name `logo` in the current network's settings (None: no logo), with the audit entry; the logo
    it had. The one assumed first is the one this process knows; if another organiser changed it
    since, the store says which it is now, and that one is replaced (and named in the entry)."""
    network = tenancy.current()
    before = network.logo
    for _attempt in range(_TRIES):
        if before == logo:
            return before  # the same file again, or no logo to remove
        audit = AuditChange(
            actor,
            "network.updated",
            network.name,
            {"logo": before.name if before else None},
            {"logo": logo.name if logo else None},
            clock.now().isoformat(),
        )
        stored = {"name": logo.name, "width": logo.width, "height": logo.height} if logo else None
        try:
            network_store().set_logo(network.name, before.name if before else "", stored, audit)
        except LogoChanged as changed:
            before = networks.logo_of(changed.logo)
            continue
        networks.forget()
        return before
    raise Conflict()


def read(name: str) -> tuple[bytes, str]:
    """A logo of the current network by its name, and its type; NotFound for any other name. Only
    the network's own objects are read, so another network's logo is not found on its host."""
    if not NAME.fullmatch(name):
        raise NotFound()
    try:
        response = aws.s3().get_object(Bucket=config.bucket_name(), Key=logo_object(name))
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in _GONE:
            raise NotFound() from error
        raise
    with closing(response["Body"]) as body:
        try:
            content = body.read()
        except IncompleteReadError as error:
            raise ServiceBusy() from error
    return content, PictureKind(name.rsplit(".", 1)[1]).content_type
