"""Certificates of attendance: one A4 page per person who was checked in, as PDF.

Written with pydyf (a small PDF writer without dependencies), imported only when a certificate is
made, so no page's cold start pays for it. The text is set in the PDF's own Helvetica, whose
encoding (WinAnsi) covers Dutch, English, German and French; a letter outside it is written
without its accent, or as "?".
"""

from __future__ import annotations

import io
import textwrap
import unicodedata
from datetime import datetime
from typing import IO, Any

from chalicelib.core import clock, config, tenancy
from chalicelib.core.errors import Conflict
from chalicelib.core.i18n import _, format_date, translations
from chalicelib.events.model import Event
from chalicelib.events.store import event_store
from chalicelib.registrations.lifecycle import RegistrationStatus
from chalicelib.registrations.model import Registration
from chalicelib.registrations.service import find
from chalicelib.registrations.store import registration_store

A4 = (595, 842)  # points
LEFT = 72


class NotCheckedIn(Conflict):
    message = _("Een bewijs van deelname is er voor wie bij de bijeenkomst is ingecheckt.")


class MeetingNotOver(Conflict):
    message = _("Een bewijs van deelname is er na afloop van de bijeenkomst.")


def of_attendee(token: str) -> bytes:
    """The certificate behind a personal link, in the attendee's language, once the meeting has ended;
    NotCheckedIn or MeetingNotOver otherwise."""
    reg, event, _position = find(token)
    if not attended(reg):
        raise NotCheckedIn()
    require_ended(event)
    return _pdf([_page(reg.name, event, reg.language)])


def attended(reg: Registration) -> bool:
    return reg.status == RegistrationStatus.CONFIRMED and reg.attended_at is not None


def ended(event: Event) -> bool:
    """A certificate says someone took part: not before the meeting is over."""
    return _over(event.ends_at)


def _over(ends_at: datetime) -> bool:
    return clock.now() >= ends_at


def available(reg: Registration, event: Event) -> bool:
    """Whether the personal page offers this attendee's certificate."""
    return attended(reg) and ended(event)


def listed(reg: Registration) -> bool:
    """Whether a member's list of their registrations (`service.of_person`, which reads when each event
    ends) offers the certificate: as the personal page does."""
    return attended(reg) and reg.event_ends_at is not None and _over(reg.event_ends_at)


def require_ended(event: Event) -> None:
    if not ended(event):
        raise MeetingNotOver()


def write_all(out: IO[bytes], slug: str, language: str) -> int:
    """Every checked-in attendee's certificate, by name, as one PDF (the export worker); the number of pages."""
    event = event_store().get_meta(slug)
    if event is None:
        raise LookupError("the export's event is gone")
    names = sorted((r.name for r in registration_store().list_for_event(slug) if attended(r)), key=str.casefold)
    out.write(_pdf([_page(name, event, language) for name in names]))
    return len(names)


def _duration(event: Event, language: str) -> str:
    """'3 uur en 45 minuten' / '3 hours and 45 minutes'."""
    catalog = translations(language)
    minutes = int((event.ends_at - event.starts_at).total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    text = catalog.ngettext("%(num)d uur", "%(num)d uur", hours) % {"num": hours}
    if rest:
        text += catalog.gettext(_(" en ")) + catalog.ngettext("%(num)d minuut", "%(num)d minuten", rest) % {"num": rest}
    return text


def _page(name: str, event: Event, language: str) -> list[tuple[str, int, str]]:
    """The lines of one certificate: (font, size, text), top to bottom."""
    t = translations(language).gettext
    place = event.place
    when = f"{format_date(event.date, language)}, {event.start}–{event.end} ({_duration(event, language)})"
    lines: list[tuple[str, int, str]] = [
        ("F2", 28, t(_("Bewijs van deelname"))),
        ("F1", 12, ""),
        ("F1", 14, t(_("Hierbij verklaren wij dat"))),
        ("F2", 22, name),
        ("F1", 14, t(_("heeft deelgenomen aan de bijeenkomst"))),
    ]
    lines += [("F2", 16, line) for line in textwrap.wrap(event.title, 55)]
    lines += [("F1", 12, ""), ("F1", 12, when)]
    lines += [("F1", 12, line) for line in textwrap.wrap(place, 80)]
    organiser = tenancy.current().title_in(language)
    lines += [("F1", 12, ""), ("F1", 12, t(_("Georganiseerd door het %(network)s.")) % {"network": organiser})]
    issued = t(_("Uitgegeven op %(date)s door %(site)s")) % {
        "date": format_date(clock.now().date(), language, weekday=False),
        "site": config.base_url(),
    }
    return [*lines, ("F1", 12, ""), ("F1", 9, issued)]


def _winansi(text: str) -> str:
    """The text as hex of the font's encoding: a letter it lacks loses its accent, or becomes '?'."""
    encoded = bytearray()
    for char in text:
        try:
            encoded += char.encode("cp1252")
        except UnicodeEncodeError:
            plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            encoded += plain.encode("cp1252", errors="replace") if plain else b"?"
    return "<" + encoded.hex() + ">"


def _pdf(pages: list[list[tuple[str, int, str]]]) -> bytes:
    import pydyf  # imported here: only certificates need it

    document = pydyf.PDF()
    fonts: dict[str, Any] = {}
    for key, base in (("F1", "/Helvetica"), ("F2", "/Helvetica-Bold")):
        font = pydyf.Dictionary(
            {"Type": "/Font", "Subtype": "/Type1", "BaseFont": base, "Encoding": "/WinAnsiEncoding"}
        )
        document.add_object(font)
        fonts[key] = font.reference
    resources = pydyf.Dictionary({"Font": pydyf.Dictionary(fonts)})
    for lines in pages:
        stream = pydyf.Stream()
        stream.set_line_width(2)
        stream.rectangle(36, 36, A4[0] - 72, A4[1] - 72)  # a frame, as a certificate has
        stream.stroke()
        y = A4[1] - 130
        for font, size, text in lines:
            if text:
                stream.begin_text()
                stream.set_font_size(font, size)
                stream.set_text_matrix(1, 0, 0, 1, LEFT, y)
                stream.show_text(_winansi(text))
                stream.end_text()
            y -= int(size * 1.6)
        document.add_object(stream)
        page = pydyf.Dictionary(
            {
                "Type": "/Page",
                "Parent": document.pages.reference,
                "MediaBox": pydyf.Array([0, 0, *A4]),
                "Contents": stream.reference,
                "Resources": resources,
            }
        )
        document.add_page(page)
    out = io.BytesIO()
    document.write(out, compress=True)
    return out.getvalue()
