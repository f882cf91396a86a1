"""Where every item of the table and every object of the bucket lives: all keys are made here.

One table (docs/data-model.md lists every item and access pattern) and one private bucket. Keys hold
no personal data: an address appears only as a hash (`email_key`), a token only as its hash.

Every partition key (PK and each GSI's) and every object key begins with the network it belongs to
(`N#{network}#`, `n/{network}/`), taken from core/tenancy.py: outside a network no key can be made,
so no item of one network can be read or written while serving another. Sort keys need no network:
they only order items inside a partition that has one. The platform's own items (the networks
themselves) are the one exception, made by `platform_pk`.
"""

from __future__ import annotations

import hashlib

from chalicelib.core import tenancy

NETWORK_PREFIX = "N#"
NETWORK_OBJECTS = "n/"


def scoped(key: str) -> str:
    """A partition key inside the current network."""
    return f"{NETWORK_PREFIX}{tenancy.name()}#{key}"


def unscoped(key: str) -> str:
    """A partition key of the current network without its network part, to read an id from it."""
    return key.removeprefix(scoped(""))


def scoped_object(key: str) -> str:
    """An object key inside the current network."""
    return f"{NETWORK_OBJECTS}{tenancy.name()}/{key}"


def network_of_object(key: str) -> str:
    """The network an object key (as `scoped_object` made it) belongs to, or '' for none."""
    if not key.startswith(NETWORK_OBJECTS):
        return ""
    return key.removeprefix(NETWORK_OBJECTS).split("/", 1)[0]


# -- the platform: the networks, outside every network ----------------------------------------------------------

PLATFORM_PK = "PLATFORM#NETWORKS"  # one partition: every network's settings, read whole into a cache


def network_sk(name: str) -> str:
    return f"NETWORK#{name}"


def email_key(email: str) -> str:
    """An address as keys name it: a hash, so that keys hold no address and anonymising an item
    later never has to move it."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def hashed(token: str) -> str:
    """A secret (a one-time link, a session id) as the table keeps it: a hash, never the secret."""
    return hashlib.sha256(token.encode()).hexdigest()


# -- events: EVENT#{slug} holds the event, its programme, materials, speakers, registrations -------------

EVENT_PREFIX = "EVENT#"
EVENT_SK = "#EVENT"
SLOT_PREFIX = "#SLOT#"
# the public lists read the published partition of GSI1; organisers also read EVENTS#draft and #cancelled
EVENTS_INDEX = "EVENTS"


def event_dates_index() -> str:
    """GSI2: every event by date, until its registrations are anonymised."""
    return scoped("EVENTDATES")


def event_pk(slug: str) -> str:
    return scoped(f"{EVENT_PREFIX}{slug}")


def slug_of(pk: str) -> str:
    return unscoped(pk).removeprefix(EVENT_PREFIX)


def slot_sk(position: int) -> str:
    return f"{SLOT_PREFIX}{position:03d}"


def events_index(status: str, group: str = "", published: str = "published") -> str:
    """The GSI1 partition of the events of a status: the published ones in a partition of their own.
    A working group's meetings have partitions of their own, which no public list reads."""
    partition = f"{EVENTS_INDEX}#{GROUP_PREFIX}{group}" if group else EVENTS_INDEX
    return scoped(partition if status == published else f"{partition}#{status}")


# -- registrations ----------------------------------------------------------------------------------------

REG_PREFIX = "REG#"
ANONYMISED_PREFIX = "ANON#"  # sorts before REG#: a recount reads both in one Query
# each way of taking part (AttendanceMode's values) has its own waiting list; neither prefix starts the other
WAIT_PREFIXES = {"location": "WAIT#", "online": "WAITONLINE#"}
TOKEN_PREFIX = "TOKEN#"  # noqa: S105 (a key prefix, not a secret)
TOKEN_SK = "#TOKEN"  # noqa: S105 (a sort key, not a secret)
STATS_SK = "STATS"  # no '#': the event page's Query of '#' items leaves it out
# free-text figures (organisations, roles) are spread over STATS#0 … STATS#f, far below 400 KB each
STATS_SHARDS = 16


def registration_sk(email: str) -> str:
    return REG_PREFIX + email_key(email)


def token_pk(token: str) -> str:
    return scoped(f"{TOKEN_PREFIX}{token}")


def figures_sk(name: str) -> str:
    """The item that holds one figure: status and day figures in STATS, the others in a shard."""
    if name.startswith(("status#", "day#")):
        return STATS_SK
    return f"{STATS_SK}#{hashlib.sha256(name.encode()).hexdigest()[0]}"


def stats_shards() -> list[str]:
    return [STATS_SK, *(f"{STATS_SK}#{digit:x}" for digit in range(STATS_SHARDS))]


def registrations_index(slug: str) -> str:
    """GSI1 (and GSI3) partition of an event's registrations, by standing and name (or surname)."""
    return scoped(f"REGS#{slug}")


def person_index(email: str) -> str:
    """GSI2 partition of one address's registrations, across events."""
    return scoped(f"REGEMAIL#{email_key(email)}")


# -- accounts, sign-in, settings, rate limits ----------------------------------------------------------------

ACCOUNT_PREFIX = "ACCOUNT#"
ACCOUNT_SK = "#ACCOUNT"
SESSION_PREFIX = "SESSION#"  # a sign-in session lives in its account's partition
FOLLOWER_PREFIX = "FOLLOWS#"  # GSI3 sort key of an approved account that follows a theme
LINK_SK = "#LINK"


def newsletter_index() -> str:
    """GSI2: approved accounts that chose the newsletter."""
    return scoped("NEWSLETTER")


def trusted_domains_key() -> tuple[str, str]:
    return scoped("SETTINGS"), "#TRUSTED_DOMAINS"


def account_pk(email: str) -> str:
    return account_pk_by_key(email_key(email))


def account_pk_by_key(key: str) -> str:
    return scoped(f"{ACCOUNT_PREFIX}{key}")


def session_sk(session_id: str) -> str:
    return SESSION_PREFIX + hashed(session_id)


def accounts_index(status: str) -> str:
    return scoped(f"ACCOUNTS#{status}")


def link_pk(purpose: str, token: str) -> str:
    """A one-time link (`verify`, `signin`), under a hash of its token."""
    return scoped(f"LINK#{purpose}#{hashed(token)}")


def rate_key(scope: str, window: int) -> tuple[str, str]:
    """An attempt counter: a scope (what is counted, hashed by its caller) and the window it counts in."""
    return scoped(f"RATE#{scope}"), f"#{window}"


# -- working groups: GROUP#{name} holds the group, its members and its documents -----------------------------

GROUP_PREFIX = "GROUP#"
GROUP_SK = "#GROUP"
MEMBER_PREFIX = "MEMBER#"


def groups_index() -> str:
    """GSI1: the network's working groups, by name."""
    return scoped("GROUPS")


def group_pk(name: str) -> str:
    return scoped(f"{GROUP_PREFIX}{name}")


def member_sk(email: str) -> str:
    return MEMBER_PREFIX + email_key(email)


# a group's document (DOC#{id}) and its versions (DOC#{id}#V#001 …) sort together, after the group
# and before its members: one Query with begins_with(SK, "DOC#{id}") reads a document and its history
GROUP_DOCUMENT_PREFIX = "DOC#"
VERSION_INFIX = "#V#"


def group_document_sk(document_id: str) -> str:
    return f"{GROUP_DOCUMENT_PREFIX}{document_id}"


def document_version_sk(document_id: str, number: int) -> str:
    return f"{GROUP_DOCUMENT_PREFIX}{document_id}{VERSION_INFIX}{number:03d}"


# -- the audit log ---------------------------------------------------------------------------------------------


def audit_pk(month: str) -> str:
    """One partition per month ('2026-11'), newest first by sort key."""
    return scoped(f"AUDIT#{month}")


# -- the library: materials, speakers, downloads ---------------------------------------------------------------

MATERIAL_PREFIX = "#MATERIAL#"  # '#': an event's materials come with its page's one Query
LIBRARY_PK = "LIBRARY"  # materials that belong to no event
SPEAKER_PREFIX = "SPEAKER#"
NO_EVENT = "_"  # the owner part of a material id that belongs to no event


def material_pk(material_id: str) -> str:
    """Material ids are '{event slug}.{random}' or '_.{random}' (no event): the id says where it lives."""
    owner = material_id.split(".", 1)[0]
    return scoped(LIBRARY_PK) if owner == NO_EVENT else event_pk(owner)


def materials_index() -> str:
    return scoped("MATERIALS")


def material_sk(material_id: str) -> str:
    return f"{MATERIAL_PREFIX}{material_id}"


def speaker_sk(speaker_id: str) -> str:
    return f"{SPEAKER_PREFIX}{speaker_id}"


def speaker_link_pk(token: str) -> str:
    return scoped(f"SPEAKERLINK#{hashed(token)}")


def downloads_pk(material_id: str) -> str:
    return scoped(f"DOWNLOADS#{material_id}")


# -- news ---------------------------------------------------------------------------------------------------------

NEWS_SK = "#NEWS"
NEWS_PREFIX = "NEWS#"


def news_index() -> str:
    return scoped("NEWS")


def news_pk(slug: str) -> str:
    return scoped(f"{NEWS_PREFIX}{slug}")


def news_slug_of(pk: str) -> str:
    return unscoped(pk).removeprefix(NEWS_PREFIX)


# -- mail jobs and the suppression list ------------------------------------------------------------------------------

JOB_PREFIX = "JOB#"
JOB_SK = "#JOB"
RECIPIENT_PREFIX = "TO#"
FAILED_PREFIX = "FAILED#"
SUPPRESSED_PREFIX = "SUPPRESSED#"
SUPPRESSED_SK = "#SUPPRESSED"


def jobs_index() -> str:
    return scoped("JOBS")


def suppressed_index() -> str:
    return scoped("SUPPRESSED")


def job_pk(job_id: str) -> str:
    return scoped(f"{JOB_PREFIX}{job_id}")


def job_id_of(pk: str) -> str:
    return unscoped(pk).removeprefix(JOB_PREFIX)


def suppressed_pk(key: str) -> str:
    return scoped(f"{SUPPRESSED_PREFIX}{key}")


def suppressed_key_of(pk: str) -> str:
    return unscoped(pk).removeprefix(SUPPRESSED_PREFIX)


# -- one-time keys of requests that may arrive twice ----------------------------------------------------------------

IDEMPOTENCY_SK = "#IDEM"


def idempotency_pk(scope: str, key: str) -> str:
    """A request's one-time key within its scope (what it does, to what): a hash, so the key a client
    chose is stored nowhere and is found again only by a request to the same operation on the same thing."""
    return scoped("IDEM#" + hashed(f"{scope}\n{key}"))


# -- evaluations and exports -------------------------------------------------------------------------------------------

RESULTS_SK = "RESULTS"
ANSWER_PREFIX = "ANSWER#"
EXPORT_PREFIX = "EXPORT#"
EXPORT_SK = "#EXPORT"


def evaluation_pk(slug: str) -> str:
    return scoped(f"EVAL#{slug}")


def export_pk(export_id: str) -> str:
    return scoped(f"{EXPORT_PREFIX}{export_id}")


def export_id_of(pk: str) -> str:
    return unscoped(pk).removeprefix(EXPORT_PREFIX)
