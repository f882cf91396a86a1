"""Joining the network: request, email verification, approval, and a member's own data.

Every change an organiser or member makes is written together with an audit
entry (who, what, when, before and after) in one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from itsdangerous import BadSignature, URLSafeSerializer

from chalicelib.accounts import notices, rate_limit, sessions
from chalicelib.accounts.forms import clean_account_request, clean_profile
from chalicelib.accounts.model import Access, Account, AccountStatus
from chalicelib.accounts.store import AccountExists, LinkUnusable, StaleAccount, account_store
from chalicelib.audit.store import AuditChange
from chalicelib.core import clock, config
from chalicelib.core.dynamo import Item
from chalicelib.core.errors import Conflict, InvalidInput, LinkInvalid, NotFound, TooManyAttempts, TooManyMails
from chalicelib.core.forms import FieldError
from chalicelib.core.i18n import _
from chalicelib.core.keys import email_key
from chalicelib.core.paging import Page
from chalicelib.core.secret import secret_key
from chalicelib.core.themes import themes as network_themes
from chalicelib.mail import sending as mail

DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def is_trusted(email: str) -> bool:
    """The domain is a trusted one or a subdomain of it; `politie.nl.evil.com` and `xpolitie.nl` are not."""
    domain = email.rsplit("@", 1)[-1].lower().rstrip(".")
    trusted_domains = (*config.trusted_domains(), *account_store().trusted_domains())
    return any(domain == trusted or domain.endswith("." + trusted) for trusted in trusted_domains)


def trusted_domains() -> tuple[tuple[str, ...], list[str]]:
    """(from the configuration, added by organisers)."""
    return config.trusted_domains(), account_store().trusted_domains()


def change_trusted_domain(organiser: Account, form: Mapping[str, str], add: bool) -> None:
    """Add or remove one domain in the organisers' list; audited."""
    domain = form.get("domain", "").strip().lower().removeprefix("@").rstrip(".")
    store = account_store()
    before = store.trusted_domains()
    if add:
        if not DOMAIN.match(domain):
            raise InvalidInput({"domain": FieldError(_("Vul een domeinnaam in, bijvoorbeeld gemeente.nl."))})
        if domain in before or domain in config.trusted_domains():
            raise InvalidInput({"domain": FieldError(_("Dit domein staat al in de lijst."))})
        after = sorted([*before, domain])
    else:
        if domain not in before:
            raise NotFound()
        after = [d for d in before if d != domain]
    entry = AuditChange(
        organiser.email,
        "domain.added" if add else "domain.removed",
        domain,
        {"domains": before},
        {"domains": after},
        clock.now().isoformat(),
    )
    try:
        store.set_trusted_domains(before, after, entry)
    except StaleAccount as exc:
        raise Conflict() from exc


# the tabs of the organisers' accounts list, the task first
LISTED = (AccountStatus.PENDING, AccountStatus.APPROVED, AccountStatus.DISABLED)


def accounts_page(query: Mapping[str, str]) -> tuple[AccountStatus, Page[Account]]:
    """One page of the accounts with one status (waiting for approval unless asked), newest first."""
    wanted = query.get("status", "")
    status = next((s for s in LISTED if s == wanted), AccountStatus.PENDING)
    return status, account_store().of_status(status, config.list_page_size(), query.get("na") or None)


def waiting_for_approval() -> Page[Account]:
    """The first page of account requests waiting for an organiser (the workspace's notice)."""
    return account_store().of_status(AccountStatus.PENDING, config.list_page_size(), None)


def set_access(organiser: Account, key: str, access: str) -> Account:
    """Make an approved account an organiser, or a member again."""
    if key == email_key(organiser.email):
        raise Conflict(_("U kunt uw eigen account hier niet wijzigen; vraag een andere organisator."))
    account = account_store().get_by_key(key) if len(key) <= 64 else None
    if account is None or access not in (Access.MEMBER, Access.ORGANISER):
        raise NotFound()
    if account.status != AccountStatus.APPROVED or account.access == access:
        raise Conflict(_("Dit account heeft die rol al, of is niet actief."))
    before = _snapshot(account)
    account.access = Access(access)
    _save(account, actor=organiser.email, action=f"account.{access}", before=before)
    return account


def epoch(seconds_from_now: int = 0) -> int:
    return int(clock.now().timestamp()) + seconds_from_now


def request_account(form: Mapping[str, str], language: str, client: str) -> None:
    """Store a request and mail a verification link.

    The visitor learns nothing about whether the address was known: for a
    known one, the mail goes to its owner and nothing new is stored. An address
    is within the ceiling on mail to an address (accounts/rate_limit.mail_to), whoever asks; past it
    the answer says so, the same for every address, and no mail goes (nobody can flood an inbox).
    """
    data = clean_account_request(form)
    try:
        rate_limit.count({f"account-client#{email_key(client)}": config.ACCOUNT_REQUESTS_PER_CLIENT}, 3600)
    except rate_limit.OverLimit as error:
        raise TooManyAttempts() from error
    try:
        rate_limit.mail_to(data.email)
    except rate_limit.OverLimit as over:
        raise TooManyMails() from over
    account = Account(
        email=data.email,
        name=data.name,
        organisation=data.organisation,
        job=data.job,
        reason=data.reason,
        newsletter=data.newsletter,
        language=language,
        created_at=clock.now(),
    )
    store = account_store()
    try:
        token = store.create(account, epoch(config.VERIFY_LINK_SECONDS))
    except AccountExists as exists:
        existing = exists.existing
        if existing.status == AccountStatus.UNVERIFIED:
            _send(
                existing,
                "verify",
                link=f"/account/bevestigen/{store.add_link('verify', existing, epoch(config.VERIFY_LINK_SECONDS))}",
            )
        else:
            _send(existing, "account_exists")
        return
    _send(account, "verify", link=f"/account/bevestigen/{token}")


def verify(token: str) -> Account:
    """Use the verification link: trusted domains are approved at once, others wait for an organiser."""
    store = account_store()
    try:
        key, _next = store.use_link("verify", token, epoch())
    except LinkUnusable as exc:
        raise LinkInvalid() from exc
    account = store.get_by_key(key)
    if account is None:
        raise LinkInvalid()
    if account.status != AccountStatus.UNVERIFIED:
        return account
    before = _snapshot(account)
    account.status = AccountStatus.APPROVED if is_trusted(account.email) else AccountStatus.PENDING
    _save(account, actor=account.email, action="account.verified", before=before)
    _send(account, "approved" if account.status == AccountStatus.APPROVED else "pending")
    if account.status == AccountStatus.PENDING:
        notices.announce(account)
    return account


def decide(organiser: Account, key: str, status: str) -> Account:
    """An organiser approves, rejects, disables or enables an account."""
    approved, pending, rejected, disabled = (
        AccountStatus.APPROVED,
        AccountStatus.PENDING,
        AccountStatus.REJECTED,
        AccountStatus.DISABLED,
    )
    # new status -> the statuses it may come from
    allowed = {approved: (pending, disabled, rejected), rejected: (pending,), disabled: (approved,)}
    if key == email_key(organiser.email):
        raise Conflict(_("U kunt uw eigen account hier niet wijzigen; vraag een andere organisator."))
    store = account_store()
    account = store.get_by_key(key)
    if account is None or status not in allowed:
        raise NotFound()
    new = AccountStatus(status)
    if account.status not in allowed[new]:
        raise Conflict(_("Dit account heeft die status al, of kan die status niet krijgen."))
    before = _snapshot(account)
    was = account.status
    account.status = new
    _save(account, actor=organiser.email, action=f"account.{new}", before=before)
    if was == AccountStatus.PENDING:
        _send(account, "approved" if status == AccountStatus.APPROVED else "rejected")
    return account


def update_own(account: Account, form: Mapping[str, str]) -> Account:
    data = clean_profile(form)
    before = _snapshot(account)
    account.name, account.organisation, account.job, account.newsletter = (
        data.name,
        data.organisation,
        data.job,
        data.newsletter,
    )
    _save(account, actor=account.email, action="account.updated", before=before)
    return account


def set_newsletter(account: Account, subscribed: bool, actor: str) -> None:
    before = _snapshot(account)
    account.newsletter = subscribed
    _save(
        account, actor=actor, action="newsletter.subscribed" if subscribed else "newsletter.unsubscribed", before=before
    )


def set_themes(account: Account, followed: Iterable[str], actor: str) -> None:
    """The themes whose new meetings and materials the member hears of in the daily digest."""
    wanted = set(followed)
    before = _snapshot(account)
    account.themes = tuple(theme for theme in network_themes() if theme in wanted)
    if account.themes != tuple(before["themes"]):
        _save(account, actor=actor, action="account.themes", before=before)


def _calendar_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(secret_key(), salt="member-calendar")


def calendar_url(account: Account) -> str:
    """The member's private feed: signed, so it needs no item of its own and no sign-in."""
    token = _calendar_serializer().dumps(_calendar_claim(account))
    return f"{config.base_url()}/agenda/{token}.ics"


def calendar_owner(token: str) -> Account:
    """The approved account whose current feed link this is; NotFound for a reset, tampered or
    lapsed one (a disabled or deleted account's feed stops at once)."""
    try:
        claim = _calendar_serializer().loads(token)
        key = str(claim[0])
    except (BadSignature, TypeError, ValueError, IndexError, KeyError) as exc:
        raise NotFound() from exc
    account = account_store().get_by_key(key)
    if account is None or not account.can_sign_in or claim != _calendar_claim(account):
        raise NotFound()
    return account


def _calendar_claim(account: Account) -> list[str | int]:
    """What the feed link signs: the account, when it was made (a deleted and re-made account's old
    link stays dead) and the number a new link raises."""
    return [email_key(account.email), account.created_at.isoformat(), account.calendar_epoch]


def reset_calendar(account: Account) -> None:
    """A new feed link; the old one stops (for a link that was shared by mistake)."""
    before = _snapshot(account)
    account.calendar_epoch += 1
    _save(account, actor=account.email, action="account.calendar_reset", before=before)


def delete_own(account: Account) -> None:
    """The account goes; registrations stay with their events, each with its own cancel link."""
    try:
        account_store().delete(account)
    except StaleAccount as exc:
        raise Conflict() from exc
    sessions.end_all(account)


def ensure_organiser(email: str, name: str) -> Account:
    """For the command line: make (or promote) an approved organiser account."""
    store = account_store()
    account = store.get(email)
    if account is None:
        account = Account(email=email, name=name, organisation="", job="", created_at=clock.now())
        store.create(account, epoch())  # the verification link expires at once: the command vouches
    before = _snapshot(account)
    account.status, account.access = AccountStatus.APPROVED, Access.ORGANISER
    _save(account, actor="command line", action="account.organiser", before=before)
    return account


def _snapshot(account: Account) -> Item:
    return {
        "status": account.status,
        "access": account.access,
        "newsletter": account.newsletter,
        "name": account.name,
        "themes": list(account.themes),
    }


def _save(account: Account, actor: str, action: str, before: Item) -> None:
    """Write a change with its audit entry. Losing the right to sign in, or a change of role, ends
    every session of the account: its cookies stop at their next request, also after re-enabling."""
    ends_sessions = before["access"] != account.access or (
        before["status"] == AccountStatus.APPROVED and account.status != AccountStatus.APPROVED
    )
    if ends_sessions:
        account.session_epoch += 1
    entry = AuditChange(actor, action, account.email, before, _snapshot(account), clock.now().isoformat())
    try:
        account_store().save(account, entry)
    except StaleAccount as exc:
        raise Conflict() from exc
    if ends_sessions:
        sessions.end_all(account)


_SUBJECTS = {
    "verify": _("Bevestig uw e-mailadres voor het regionaal netwerk"),
    "account_exists": _("U hebt al een account of aanvraag bij het regionaal netwerk"),
    "pending": _("Uw aanvraag is ontvangen"),
    "approved": _("Uw account is actief"),
    "rejected": _("Uw aanvraag is niet goedgekeurd"),
}


def _send(account: Account, template: str, link: str = "") -> bool:
    return mail.send(
        account.email,
        _SUBJECTS[template],
        f"account_{template}",
        account.language,
        account=account,
        link=f"{config.base_url()}{link}" if link else "",
        sign_in_url=f"{config.base_url()}/inloggen",
    )
