"""Translations: Dutch msgids, English from a catalog compiled at build time.

`make translations` compiles locale/*.po into chalicelib/locale/*.mo, which the
Lambda package ships; only the standard library reads them, so Babel's locale
data stays out of the package and out of the cold start.
"""

from __future__ import annotations

import gettext
from datetime import date, datetime
from functools import cache
from pathlib import Path

from chalicelib.core.config import DEFAULT_LANGUAGE, LANGUAGES, TIMEZONE

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


@cache
def translations(language: str) -> gettext.NullTranslations:
    if language == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    # fallback=False: a missing catalog is a build error, not silent Dutch
    return gettext.translation("messages", localedir=LOCALE_DIR, languages=[language])


def choose(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def negotiate(accept_language: str) -> str:
    """The language a browser's Accept-Language header (RFC 9110) prefers among the portal's: the
    highest weight wins, the earlier of equal ones; "en-GB" asks for English. Dutch when it names
    none of them, or says nothing a parser can read."""
    best, best_weight = DEFAULT_LANGUAGE, 0.0
    for entry in accept_language[:500].split(","):  # a browser sends a few dozen characters
        tag, _sep, parameters = entry.partition(";")
        primary = tag.strip().split("-", 1)[0].lower()
        weight = 1.0
        name, _eq, value = parameters.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value)
            except ValueError:
                continue
        if primary in LANGUAGES and weight > best_weight and weight <= 1:
            best, best_weight = primary, weight
    return best


def _(text: str) -> str:
    """Mark a msgid for extraction; it is translated where it is shown."""
    return text


_MONTHS = (
    _("januari"), _("februari"), _("maart"), _("april"), _("mei"), _("juni"),
    _("juli"), _("augustus"), _("september"), _("oktober"), _("november"), _("december"),
)  # fmt: skip
_WEEKDAYS = (_("maandag"), _("dinsdag"), _("woensdag"), _("donderdag"), _("vrijdag"), _("zaterdag"), _("zondag"))


def format_moment(value: datetime, language: str, seconds: bool = False) -> str:
    """'18 september 2027, 13:30' in the portal's time zone, for lists and times of day."""
    local = value.astimezone(TIMEZONE)
    return f"{format_date(local.date(), language, weekday=False)}, {local.strftime('%H:%M:%S' if seconds else '%H:%M')}"


def format_date(value: date, language: str, weekday: bool = True) -> str:
    """'donderdag 18 september 2027' / 'Thursday 18 September 2027'."""
    t = translations(language).gettext
    text = f"{value.day} {t(_MONTHS[value.month - 1])} {value.year}"
    return f"{t(_WEEKDAYS[value.weekday()])} {text}" if weekday else text


def format_size(size: int, language: str) -> str:
    """A file's size as every page shows it: "840 kB" (rounded, never 0) below 1000 kB, then "2,4 MB"
    ("2.4 MB" in English), in units of 1024 bytes."""
    kilobytes = max(1, (size + 512) // 1024)
    if kilobytes < 1000:
        return f"{kilobytes} kB"
    megabytes = f"{size / (1024 * 1024):.1f}"
    return f"{megabytes.replace('.', ',') if language == 'nl' else megabytes} MB"
