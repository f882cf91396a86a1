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
