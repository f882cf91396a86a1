"""The newsletter: who gets it, sending it with one-click unsubscribe (RFC 8058), and the export."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from email.message import EmailMessage

from itsdangerous import BadSignature, URLSafeSerializer

from chalicelib.accounts import service as accounts
from chalicelib.accounts.model import Account
from chalicelib.accounts.store import account_store
from chalicelib.core import clock, config
from chalicelib.core.errors import UnsubscribeLinkInvalid
from chalicelib.core.forms import FieldError, raise_if, text_field
from chalicelib.core.i18n import _, translations
from chalicelib.core.keys import email_key
from chalicelib.core.secret import secret_key
from chalicelib.mail import jobs
from chalicelib.mail.kinds import Kind, nothing, nothing_after
from chalicelib.mail.model import JobKind, MailJob, Recipient
from chalicelib.mail.sending import LONG_HEADERS, one_click_unsubscribe

log = logging.getLogger(__name__)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(secret_key(), salt="unsubscribe")


def unsubscribe_url(email: str) -> str:
    return f"{config.base_url()}/nieuwsbrief/afmelden/{_serializer().dumps(email_key(email))}"


def _subscriber(token: str) -> Account | None:
    """The account a signed link names (None once deleted); UnsubscribeLinkInvalid for anything else."""
    try:
        key = _serializer().loads(token)
    except BadSignature as exc:
        raise UnsubscribeLinkInvalid() from exc
    return account_store().get_by_key(str(key))


def still_subscribed(token: str) -> bool:
    """Whether a link's account still gets the newsletter: if not, the link was used already."""
    account = _subscriber(token)
    return account is not None and account.newsletter


def unsubscribe(token: str) -> None:
    """One click, no sign-in: the signed token names the account."""
    account = _subscriber(token)
    if account is not None and account.newsletter:
        accounts.set_newsletter(account, False, actor=account.email)


def send_from_form(organiser: Account, form: Mapping[str, str]) -> MailJob:
    """An organiser sends an issue from the workspace: checked here, sent by the mail worker, audited."""
    errors: dict[str, FieldError] = {}
    subject = text_field(form, "subject", errors, limit=150)
    text = text_field(form, "body", errors, limit=20_000, multiline=True)
    if form.get("confirm") != "yes":
        errors["confirm"] = FieldError(_("Bevestig dat het bericht naar alle abonnees mag."))
    raise_if(errors, ("subject", "body", "confirm"))
    return send(organiser.email, subject, text)


def send(actor: str, subject: str, text: str) -> MailJob:
    """Queue an issue for every subscriber (the worker finds them when it starts)."""
    return jobs.start(JobKind.NEWSLETTER, actor, "newsletter.sent", clock.now(), subject=subject, body=text)


def issue(subject: str, text: str, to: str) -> bytes:
    """One subscriber's copy: plain text, with one-click unsubscribe (RFC 8058)."""
    link = unsubscribe_url(to)
    message = EmailMessage(policy=LONG_HEADERS)
    message["From"] = config.mail_sender()
    message["To"] = to
    message["Subject"] = subject
    for name, value in one_click_unsubscribe(link).items():
        message[name] = value
    message.set_content(f"{text}\n\n-- \nAfmelden / unsubscribe: {link}\n")
    return message.as_bytes()


def subscriber_count() -> int:
    return account_store().subscriber_count()


def subscriber_rows(language: str) -> tuple[list[str], Iterator[tuple[str, ...]]]:
    """The subscribers export's header, in the organiser's language, and rows (the export worker writes them)."""
    catalog = translations(language)
    header = [catalog.gettext(name) for name in (_("E-mailadres"), _("Naam"), _("Organisatie"), _("Functie"))]
    return header, ((a.email, a.name, a.organisation, a.job) for a in account_store().subscribers())


# -- the mail job's kind ---------------------------------------------------------------------------


def _subscribers(job: MailJob) -> list[Recipient]:
    return [Recipient(email_key(a.email), a.email, a.name, a.language) for a in account_store().subscribers()]


def _issue(job: MailJob, to: Recipient, _shared: None) -> bytes:
    return issue(job.subject, job.body, to.email)


KINDS: dict[JobKind, Kind] = {JobKind.NEWSLETTER: Kind(_subscribers, _issue, nothing, nothing_after)}
