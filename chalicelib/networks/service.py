"""Which network a host name means, and what each network is called, looks like and mails from.

The list is read whole (one Query) and kept in the process for a minute, so a warm page asks
DynamoDB nothing to know its network; a new network or a saved setting shows everywhere within that
minute. The deployment's default network comes from its environment (BASE_URL, MAIL_SENDER,
CONTACT_EMAIL, ...); what its organisers save in the workspace overrides that. Every other network
is made with `manage.py create-network`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from urllib.parse import urlsplit

from chalicelib.audit.store import AuditChange
from chalicelib.core import clock, config, tenancy
from chalicelib.core.dynamo import Item
from chalicelib.core.errors import NotFound
from chalicelib.core.forms import FieldError, email_address, raise_if, text_field, whole_number
from chalicelib.core.i18n import _
from chalicelib.core.tenancy import Logo, Network
from chalicelib.core.themes import DEFAULT_THEMES
from chalicelib.networks.store import network_store

REFRESH_SECONDS = 60.0
# the brand colours a network can choose: each keeps every text and border at WCAG AA (static/theme.css)
PALETTES = ("blauw", "paars", "petrol", "bordeaux")
DEFAULT_TITLE = {"nl": "Regionaal netwerk maatschappelijk ongenoegen", "en": "Regional network on social unrest"}
DEFAULT_DESCRIPTION = {
    "nl": "Een netwerk van gemeenten, politie en Openbaar Ministerie over polarisatie, radicalisering en extremisme.",
    "en": "A network of municipalities, police and the Public Prosecution Service on polarisation, "
    "radicalisation and extremism.",
}
LOCAL_HOSTS = ("127.0.0.1", "localhost")


class UnknownNetwork(NotFound):
    """A queue message or a command named a network this deployment does not have."""


_lock = threading.Lock()
_cache: dict[str, object] = {"until": 0.0, "networks": {}}


def forget() -> None:
    """Read the list again at the next question (after a change made in this process, and in tests)."""
    with _lock:
        _cache["until"] = 0.0


def _host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _local_port() -> str:
    port = urlsplit(config.default_base_url()).port
    return f":{port}" if port else ""


def _hosts(name: str, stored: list[str], default: bool) -> tuple[str, ...]:
    """Its host names; locally also <name>.localhost (browsers resolve *.localhost to this machine),
    and for the default network 127.0.0.1 and localhost."""
    hosts = [h.lower() for h in stored]
    if config.is_local():
        hosts += [f"{name}.localhost", *(LOCAL_HOSTS if default else ())]
    return tuple(dict.fromkeys(hosts))


def _base_url(name: str, hosts: list[str], default: bool) -> str:
    if default:
        return config.default_base_url()
    if config.is_local():
        return f"http://{name}.localhost{_local_port()}"
    return f"https://{hosts[0]}"


def logo_of(stored: object) -> Logo | None:
    """A network's logo as its settings hold it (`{"name", "width", "height"}`), or None."""
    if not isinstance(stored, Mapping) or not isinstance(stored.get("name"), str):
        return None
    return Logo(str(stored["name"]), int(stored.get("width", 0)), int(stored.get("height", 0)))


def _network(name: str, item: Mapping[str, object], default: bool) -> Network:
    """A network from its stored settings; the default network's missing ones from the environment."""

    def text(field: str, fallback: str) -> str:
        value = item.get(field)
        return value if isinstance(value, str) and value else fallback

    def by_language(prefix: str, fallback: Mapping[str, str]) -> dict[str, str]:
        return {lang: text(f"{prefix}_{lang}", fallback.get(lang, "")) for lang in config.LANGUAGES}

    stored_hosts = [str(h) for h in item.get("hosts", []) or []]  # type: ignore[attr-defined]
    if default:
        stored_hosts = [_host_of(config.default_base_url()), *stored_hosts]
    domains = tuple(str(d) for d in item.get("trusted_domains", []) or [])  # type: ignore[attr-defined]
    themes = tuple(str(t) for t in item.get("themes", []) or [])  # type: ignore[attr-defined]
    retention = item.get("retention_days")
    return Network(
        name=name,
        title=by_language("title", DEFAULT_TITLE if default else {}),
        hosts=_hosts(name, stored_hosts, default),
        base_url=_base_url(name, stored_hosts, default),
        sender=text("sender", config.default_sender() if default else ""),
        contact=text("contact", config.default_contact() if default else ""),
        security_contact=text("security_contact", config.default_security_contact() if default else ""),
        palette=text("palette", PALETTES[0]),
        trusted_domains=(config.default_trusted_domains() if default else ()) + domains,
        retention_days=int(retention) if isinstance(retention, (int, float)) else config.default_retention_days(),
        description=by_language("description", DEFAULT_DESCRIPTION if default else {}),
        themes=themes,
        logo=logo_of(item.get("logo")),
    )


def from_environment() -> Network:
    """The default network as the deployment's environment describes it, before anything is read
    (what it is until its organisers save settings of their own)."""
    return _network(config.default_network_name(), {}, default=True)


def _networks() -> dict[str, Network]:
    with _lock:
        if time.monotonic() < float(_cache["until"]):  # type: ignore[arg-type]
            return _cache["networks"]  # type: ignore[return-value]
        default_name = config.default_network_name()
        stored = {str(item["SK"]).split("#", 1)[1]: item for item in network_store().all()}
        found = {default_name: _network(default_name, stored.pop(default_name, {}), default=True)}
        found |= {name: _network(name, item, default=False) for name, item in sorted(stored.items())}
        _cache["networks"], _cache["until"] = found, time.monotonic() + REFRESH_SECONDS
        return found


def all_networks() -> list[Network]:
    """Every network, the default one first."""
    return list(_networks().values())


def default() -> Network:
    return _networks()[config.default_network_name()]


def named(name: str) -> Network:
    network = _networks().get(name)
    if network is None:
        raise UnknownNetwork()
    return network


def for_host(host: str) -> Network | None:
    """The network a request's Host header names (with or without its port), or None."""
    wanted = host.strip().lower().rsplit(":", 1)[0].rstrip(".") if host.count(":") <= 1 else ""
    return next((n for n in _networks().values() if wanted and wanted in n.hosts), None)


def of_message(body: str) -> Network:
    """The network a queue message belongs to (core/queue.py writes it into every message)."""
    try:
        name = json.loads(body).get("network")
    except (ValueError, AttributeError):
        name = None
    return named(name) if isinstance(name, str) else default()  # put before networks existed: the default's


def of_notification(notification: Mapping[str, object]) -> list[Network]:
    """The networks an SES bounce or complaint concerns: the one its mail was tagged with (every mail
    is, mail/sending.py), else those that send from its sender address, else the default network."""
    found = notification.get("mail")
    mail: dict[str, object] = found if isinstance(found, dict) else {}
    tags = mail.get("tags")
    names = tags.get("network") if isinstance(tags, dict) else None
    tagged = [str(name) for name in names] if isinstance(names, list) else []
    known = _networks()
    if tagged and tagged[0] in known:
        return [known[tagged[0]]]
    source = str(mail.get("source", "")).lower()
    return [n for n in known.values() if source and n.sender.lower() == source] or [default()]


def settings_of(network: Network) -> Item:
    """A network's settings as stored (and as the workspace's form shows them)."""
    return {
        **{f"title_{lang}": network.title.get(lang, "") for lang in config.LANGUAGES},
        **{f"description_{lang}": network.description.get(lang, "") for lang in config.LANGUAGES},
        "hosts": [h for h in network.hosts if not h.endswith(".localhost") and h not in LOCAL_HOSTS],
        "sender": network.sender,
        "contact": network.contact,
        "security_contact": network.security_contact,
        "palette": network.palette,
        "retention_days": network.retention_days,
        "themes": list(network.themes or DEFAULT_THEMES),
    }


def create(name: str, settings: Item, actor: str) -> Network:
    """A new network (the platform operator's `manage.py create-network`), with an entry in its log."""
    if not tenancy.NAME.match(name) or name in _networks():
        raise ValueError(f"network name {name!r} is taken or not of the form [a-z][a-z0-9-]+")
    stored = {key: value for key, value in settings.items() if value not in ("", None, [])}
    network = _network(name, stored, default=False)
    with tenancy.within(network):
        at = clock.now().isoformat()
        network_store().create(name, stored, AuditChange(actor, "network.created", name, {}, stored, at))
    forget()
    return named(name)


# -- the organisers' settings of their own network ----------------------------------------------------

SETTINGS_FIELDS = (
    "title_nl",
    "title_en",
    "description_nl",
    "description_en",
    "contact",
    "security_contact",
    "palette",
    "retention_days",
    "themes",
)
THEMES_MAX = 12  # a theme is a box in every event and material form: a dozen is already a long list
THEME_LENGTH = (2, 60)
RETENTION_DAYS = (30, 730)  # at least a month to settle a meeting's affairs; at most two years (AVG)


def _settings_from(form: Mapping[str, str]) -> Item:
    """The form's settings, checked; InvalidInput with every field's error at once."""
    errors: dict[str, FieldError] = {}
    settings: Item = {
        "title_nl": text_field(form, "title_nl", errors, 100),
        "title_en": text_field(form, "title_en", errors, 100),
        "description_nl": text_field(form, "description_nl", errors, 300, required=False),
        "description_en": text_field(form, "description_en", errors, 300, required=False),
    }
    contact_errors: dict[str, FieldError] = {}
    settings["contact"] = email_address(text_field(form, "contact", contact_errors, 254), contact_errors)
    if contact_errors:
        errors["contact"] = next(iter(contact_errors.values()))
    security = text_field(form, "security_contact", errors, 254)
    if "security_contact" not in errors and not security.startswith(("mailto:", "https://")):
        errors["security_contact"] = FieldError(
            _("Begin met mailto: of https://, bijvoorbeeld mailto:beveiliging@gemeente.nl.")
        )
    settings["security_contact"] = security
    settings["palette"] = form.get("palette", "")
    if settings["palette"] not in PALETTES:
        errors["palette"] = FieldError(_("Kies een van de kleuren."))
    days = whole_number(form.get("retention_days", ""))
    if days is None or not RETENTION_DAYS[0] <= days <= RETENTION_DAYS[1]:
        errors["retention_days"] = FieldError(_("Vul een aantal dagen in tussen 30 en 730."))
    settings["retention_days"] = days
    settings["themes"] = _themes_from(form, errors)
    raise_if(errors, SETTINGS_FIELDS)
    return settings


def _themes_from(form: Mapping[str, str], errors: dict[str, FieldError]) -> list[str]:
    """One theme a line, as typed (in that order), without doubles."""
    text = text_field(form, "themes", errors, THEMES_MAX * (THEME_LENGTH[1] + 2), multiline=True)
    if "themes" in errors:
        return []
    found = list(dict.fromkeys(" ".join(line.split()).lower() for line in text.split("\n") if line.strip()))
    if not 1 <= len(found) <= THEMES_MAX:
        errors["themes"] = FieldError(_("Vul 1 tot %(max)d thema's in, een per regel."), THEMES_MAX)
    elif not all(THEME_LENGTH[0] <= len(theme) <= THEME_LENGTH[1] for theme in found):
        errors["themes"] = FieldError(_("Een thema is 2 tot %(max)d tekens lang."), THEME_LENGTH[1])
    return found


def save_settings(organiser_email: str, form: Mapping[str, str]) -> Network:
    """The current network's name, look and contacts as its organiser saved them; audited. Its host
    names and sender stay as the platform operator set them (an SES identity must be verified first)."""
    network = tenancy.current()
    before = settings_of(network)
    after = {**before, **_settings_from(form)}
    changed = {key for key in after if after[key] != before.get(key)}
    audit = AuditChange(
        organiser_email,
        "network.updated",
        network.name,
        {key: before.get(key) for key in sorted(changed)},
        {key: after[key] for key in sorted(changed)},
        clock.now().isoformat(),
    )
    default_network = network.name == config.default_network_name()
    stored = dict(after)
    if default_network:  # its first host and its sender come from the deployment, as before any setting was saved
        stored["hosts"] = [h for h in stored["hosts"] if h != _host_of(config.default_base_url())]
        del stored["sender"]
    network_store().save(network.name, stored, audit)
    forget()
    return named(network.name)
