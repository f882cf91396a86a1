"""The suppression list: SES reports a hard bounce or a complaint, and mail to many skips that address.

SES sends its notifications to an SNS topic (the stack's configuration set publishes
bounces and complaints there); the `ses_notifications` function hands each one to
`record`. Mail jobs skip a suppressed address and count it as skipped. A mail that
a person asks for at that moment (a sign-in link, a registration confirmation)
still goes: they have just given the address, and signing in through such a link
is how a member shows that it works again. Organisers see the list and lift entries.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from email.utils import parseaddr

from chalicelib.audit.store import AuditChange
from chalicelib.core import clock
from chalicelib.core.errors import NotFound
from chalicelib.core.jsontypes import JsonObject
from chalicelib.core.keys import email_key
from chalicelib.mail.model import Suppression, SuppressionReason
from chalicelib.mail.suppression_store import NotSuppressed, suppression_store

log = logging.getLogger(__name__)

SHOWN = 100
_DETAIL_LIMIT = 300  # a receiving server's answer can be long; the gist is at the start
_KEY = re.compile(r"^[0-9a-f]{32}$")  # an address's hash, as in the list's links


def record(notification: JsonObject, at: datetime) -> int:
    """Suppress the addresses of one SES notification; the number suppressed.

    Both shapes SES sends are read: identity notifications (`notificationType`) and
    configuration-set events (`eventType`). Soft bounces, deliveries and anything else are ignored.
    """
    kind = notification.get("notificationType") or notification.get("eventType")
    found: list[tuple[str, SuppressionReason, str]] = []
    if kind == "Bounce":
        bounce = notification.get("bounce") or {}
        if bounce.get("bounceType") != "Permanent":
            return 0
        for recipient in bounce.get("bouncedRecipients") or []:
            detail = " ".join(filter(None, (bounce.get("bounceSubType"), recipient.get("diagnosticCode"))))
            found.append((str(recipient.get("emailAddress", "")), SuppressionReason.BOUNCE, detail))
    elif kind == "Complaint":
        complaint = notification.get("complaint") or {}
        for recipient in complaint.get("complainedRecipients") or []:
            detail = str(complaint.get("complaintFeedbackType") or "")
            found.append((str(recipient.get("emailAddress", "")), SuppressionReason.COMPLAINT, detail))
    suppressed = 0
    for raw, reason, detail in found:
        address = parseaddr(raw)[1].strip().lower()
        if "@" not in address or len(address) > 254:
            continue
        suppression_store().put(Suppression(email_key(address), address, reason, detail[:_DETAIL_LIMIT], at))
        suppressed += 1
    # counts only: the addresses are personal data and stay out of the log
    log.info("SES notification", extra={"kind": kind, "suppressed": suppressed})
    return suppressed


def newest() -> list[Suppression]:
    return suppression_store().newest(SHOWN)


def find(email: str) -> Suppression | None:
    """The entry of one address, as an organiser types it."""
    address = email.strip().lower()
    return suppression_store().get(email_key(address)) if "@" in address and len(address) <= 254 else None


def of(email: str) -> Suppression | None:
    """A member's own entry, shown on /account."""
    return suppression_store().get(email_key(email))


def lift(actor: str, key: str) -> None:
    """Mail to many reaches the address again (an organiser checked it works); audited."""
    entry = suppression_store().get(key) if _KEY.match(key) else None
    if entry is None:
        raise NotFound()
    before = {"reason": entry.reason, "at": entry.at.isoformat()}
    audit = AuditChange(actor, "suppression.lifted", key, before, {}, clock.now().isoformat())
    try:
        suppression_store().lift(key, audit)
    except NotSuppressed as error:
        raise NotFound() from error


def lift_own(email: str) -> None:
    """A signed-in member says their address works again: signing in through a mailed link showed it does."""
    if of(email) is not None:
        lift(email, email_key(email))
