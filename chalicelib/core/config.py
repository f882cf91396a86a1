"""Settings, read from the environment when first asked for, never at import.

`chalice.test.Client` and `chalice local` set a stage's variables only around
a request or before import respectively, so every getter reads
`os.environ` at call time. Nothing here is cached except the secret key.
"""

from __future__ import annotations

import os
from zoneinfo import ZoneInfo

from chalicelib.core import tenancy

TIMEZONE = ZoneInfo("Europe/Amsterdam")
LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise RuntimeError(f"environment variable {name} is not set")
    return value


def stage() -> str:
    return os.environ.get("STAGE", "local")


def is_local() -> bool:
    return stage() == "local"


def table_name() -> str:
    return _required("TABLE_NAME")


def bucket_name() -> str:
    return _required("BUCKET_NAME")


# -- the current network's own: its address, sender and contacts (core/tenancy.py) ------------------------


def mail_sender() -> str:
    return tenancy.current().sender


def base_url() -> str:
    """Absolute origin of the current network for links in mail; never taken from the Host header."""
    return tenancy.current().base_url


def contact_address() -> str:
    """Where visitors write to the network's organisers (accessibility, questions about their data)."""
    return tenancy.current().contact


def security_contact() -> str:
    """Where vulnerabilities are reported (security.txt's Contact: a mailto: or https: URI)."""
    return tenancy.current().security_contact


def trusted_domains() -> tuple[str, ...]:
    """Email domains whose verified requests are approved at once (subdomains count), besides those
    the network's organisers add in the workspace."""
    return tenancy.current().trusted_domains


def retention_days() -> int:
    """Registrations' personal data is anonymised this many days after the event."""
    return tenancy.current().retention_days


# -- the deployment's default network, as the environment describes it --------------------------------------


def default_network_name() -> str:
    return os.environ.get("DEFAULT_NETWORK", "rotterdam")


def default_base_url() -> str:
    return os.environ.get("BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def default_sender() -> str:
    return _required("MAIL_SENDER")


def default_contact() -> str:
    return os.environ.get("CONTACT_EMAIL", "netwerk@portal.example")


def default_security_contact() -> str:
    return os.environ.get("SECURITY_CONTACT", "mailto:beveiliging@portal.example")


def default_trusted_domains() -> tuple[str, ...]:
    raw = os.environ.get("TRUSTED_DOMAINS", "")
    return tuple(d.strip().lower().lstrip("@.") for d in raw.split(",") if d.strip())


def default_retention_days() -> int:
    return int(os.environ.get("RETENTION_DAYS", "90"))


# -- the platform ------------------------------------------------------------------------------------------


def aws_endpoint_url() -> str | None:
    """Set only locally (moto server); boto3 reads it by itself too."""
    return os.environ.get("AWS_ENDPOINT_URL") or None


def page_size() -> int:
    return int(os.environ.get("PAGE_SIZE", "10"))


SESSION_SECONDS = 8 * 60 * 60  # a working day; then sign in again
SIGN_IN_LINK_SECONDS = 15 * 60
VERIFY_LINK_SECONDS = 24 * 60 * 60
# Mails to an address that a visitor typed (sign-in, account request, registration), in all, per
# hour: whoever asks, from whatever client (accounts/rate_limit.mail_to). Past it, a sign-in gets one
# more link a quarter of an hour later, so an inbox is not flooded and its owner is not locked out.
MAILS_PER_ADDRESS_PER_HOUR = 5
# requests from one client (an office shares one address): sign-in requests per window, account requests an hour
SIGN_IN_LIMIT_PER_CLIENT = 200
SIGN_IN_WINDOW_SECONDS = 15 * 60
ACCOUNT_REQUESTS_PER_CLIENT = 60


def mail_queue_url() -> str:
    """The SQS queue of mail jobs (the stack gives it to every function)."""
    return _required("MAIL_QUEUE_URL")


def mail_configuration_set() -> str:
    """The SES configuration set that publishes bounces and complaints to the stack's topic ("" for none)."""
    return os.environ.get("MAIL_CONFIGURATION_SET", "")


def export_queue_url() -> str:
    """The SQS queue of CSV exports (the stack gives it to the web and export functions)."""
    return _required("EXPORT_QUEUE_URL")


def signin_queue_url() -> str:
    """The SQS queue of sign-in links to send (the stack gives it to the web and sign-in functions)."""
    return _required("SIGNIN_QUEUE_URL")


def index_queue_url() -> str:
    """The FIFO queue of search index updates (the stack gives it to the web and index functions)."""
    return _required("INDEX_QUEUE_URL")


def extract_queue_url() -> str:
    """The queue of materials whose file's text is to be read for search (standard, read by several
    workers at once; the stack gives it to the web and index functions)."""
    return _required("EXTRACT_QUEUE_URL")


def extract_seconds() -> float:
    """How long reading one file's text may take: a parser of hostile bytes may never finish, so its
    process is stopped then, keeping the text it read so far."""
    return float(os.environ.get("EXTRACT_SECONDS", "15"))


def search_index_check_seconds() -> float:
    """How often a web function asks S3 whether the search index changed."""
    return float(os.environ.get("SEARCH_INDEX_CHECK_SECONDS", "15"))


def mail_rate_per_second() -> float:
    """SES's sending rate for this account: the mail worker never goes faster."""
    return float(os.environ.get("MAIL_RATE_PER_SECOND", "14"))


# recipients per queue message: at 14 a second, 100 take about 7 s of the worker's 40 s budget; each
# batch costs a few reads and writes of bookkeeping, during which nothing is sent
MAIL_BATCH = 100
# the worker's own retries of a throttled or failing SES call, before the message goes back to the queue
MAIL_ATTEMPTS = 5
# SES calls the mail worker makes at once: each recipient costs a claim, a send and a mark, one after
# the other, so one at a time reaches about half of SES's 14 a second. A crash leaves at most this
# many recipients with an unknown outcome (each is sent once more).
MAIL_SENDERS = 4
# how long the worker waits for SES's answer to one send (a web request waits the clients' 5 s)
MAIL_WORKER_READ_TIMEOUT = 15
# the worker starts no send (and no retry) after this many seconds of a message: one begun at 35 s
# ends by 53 s (3 s to connect, 15 to read), with its mark inside the function's 60; what is left
# comes back with the message
MAIL_WORKER_BUDGET_SECONDS = 35
JOBS_SHOWN = 50


def upload_max_bytes() -> int:
    return int(os.environ.get("UPLOAD_MAX_MB", "50")) * 1024 * 1024


def speaker_link_days() -> int:
    """How long after the event a speaker's upload link keeps working."""
    return int(os.environ.get("SPEAKER_LINK_DAYS", "30"))


# The upload form sits on the speaker's page (and the organisers' document page) from the moment it
# opens, and is often sent long after: an hour. It allows one file of at most the upload limit under
# the visitor's own prefix, checked before it becomes material; the speaker's link itself lasts weeks.
UPLOAD_URL_SECONDS = 60 * 60
DOWNLOAD_URL_SECONDS = 5 * 60


def reminder_days() -> int:
    """Confirmed attendees get a reminder this many days before the event."""
    return int(os.environ.get("REMINDER_DAYS", "2"))


def list_page_size() -> int:
    """Rows on one page of an organisers' list (registrations, accounts, events, news)."""
    return int(os.environ.get("LIST_PAGE_SIZE", "50"))
