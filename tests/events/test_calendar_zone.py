"""The time zone in every calendar file, read by two independent parsers: icalendar's own reading
of the file's VTIMEZONE, and dateutil's `tzical`. A summer and a winter meeting must read at the
same local time in both, and the zone must be written as calendar programs write it (two yearly
rules), since Outlook desktop shifts summer meetings by an hour in a zone written as a list of dates.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, tzinfo
from io import StringIO

import pytest
from dateutil import tz
from icalendar import Calendar, Component, Timezone

from chalicelib.core.config import TIMEZONE
from chalicelib.events.calendar import TIME_ZONE
from chalicelib.registrations import service as registration
from tests.support.accounts import make_account, member_feed_path, sign_in
from tests.support.factories import registration_form
from tests.support.web import FormSession

SUMMER, WINTER = date(2027, 9, 16), date(2027, 1, 14)
MEETINGS = {"zomer": SUMMER, "winter": WINTER}
SUMMER_TIME, WINTER_TIME = "+02:00", "+01:00"


def read_by_icalendar(ics: bytes) -> dict[str, datetime]:
    """Each meeting's start as icalendar reads it with the file's own VTIMEZONE (not the tz database's)."""
    calendar = Calendar.from_ical(ics)
    zones = {str(z["tzid"]): own_zone(z) for z in calendar.walk("VTIMEZONE")}
    starts = {}
    for entry in calendar.walk("VEVENT"):
        start = entry.decoded("dtstart")
        assert isinstance(start, datetime)
        starts[str(entry["uid"])] = start.replace(tzinfo=zones[entry["dtstart"].params["TZID"]])
    return starts


def own_zone(component: Component) -> tzinfo:
    """The zone a VTIMEZONE describes, from its own rules rather than the tz database's entry for its TZID."""
    assert isinstance(component, Timezone)
    return component.to_tz(lookup_tzid=False)


def read_by_dateutil(ics: bytes) -> dict[str, datetime]:
    """Each meeting's start with the file's VTIMEZONE as dateutil's tzical reads it; the few event
    lines it needs are taken from the unfolded text, without icalendar."""
    zones = tz.tzical(StringIO(ics.decode()))
    lines = re.sub(r"\r\n[ \t]", "", ics.decode()).splitlines()
    starts: dict[str, datetime] = {}
    uid, start = "", None
    for line in lines:
        if line.startswith("UID:"):
            uid = line.removeprefix("UID:")
        elif match := re.fullmatch(r"DTSTART;TZID=([^:;]+):(\d{8}T\d{6})", line):
            local = datetime.strptime(match.group(2), "%Y%m%dT%H%M%S")
            start = local.replace(tzinfo=zones.get(match.group(1)))
        elif line == "END:VEVENT":
            assert start is not None, uid
            starts[uid], uid, start = start, "", None
    return starts


PARSERS = {"icalendar": read_by_icalendar, "dateutil": read_by_dateutil}


def assert_zone_as_calendar_programs_write_it(ics: bytes) -> None:
    """One VTIMEZONE, Europe/Amsterdam, as one STANDARD and one DAYLIGHT rule and no list of dates."""
    assert b"RDATE" not in ics
    (zone,) = Calendar.from_ical(ics).walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/Amsterdam"
    rules = {part.name: (part.get("rrule"), part.decoded("tzoffsetto")) for part in zone.subcomponents}
    assert set(rules) == {"STANDARD", "DAYLIGHT"}
    assert len(zone.subcomponents) == 2
    expected = {"STANDARD": (10, timedelta(hours=1)), "DAYLIGHT": (3, timedelta(hours=2))}
    for name, (month, offset) in expected.items():
        rule, offset_to = rules[name]
        assert rule == {"FREQ": ["YEARLY"], "BYMONTH": [month], "BYDAY": ["-1SU"]}, name
        assert offset_to == offset, name


def assert_meetings_at_1315(ics: bytes, uids: dict[str, date]) -> None:
    """Every parser reads every meeting at 13:15 local time, with the offset that day has."""
    assert_zone_as_calendar_programs_write_it(ics)
    for name, read in PARSERS.items():
        starts = read(ics)
        for uid, day in uids.items():
            offset = SUMMER_TIME if day == SUMMER else WINTER_TIME
            assert starts[uid].isoformat() == f"{day.isoformat()}T13:15:00{offset}", (name, uid)


@pytest.fixture
def meetings(make_event):
    for slug, day in MEETINGS.items():
        make_event(slug=slug, date=day, start="13:15", registration_deadline=None)
    return {f"{slug}@network-portal": day for slug, day in MEETINGS.items()}


def test_the_public_files_and_feed_read_at_the_same_local_time_summer_and_winter(meetings, visitor):
    feed = visitor.get("/events.ics").body
    assert_meetings_at_1315(feed, meetings)
    for slug in MEETINGS:
        assert_meetings_at_1315(visitor.get(f"/events/{slug}.ics").body, {f"{slug}@network-portal": MEETINGS[slug]})


def test_an_attendees_file_and_a_members_feed_read_at_the_same_local_time(meetings, client):
    email = "lid@zwijndrecht.nl"
    make_account(email)
    member = sign_in(FormSession(client), email)
    for slug in MEETINGS:
        seat = registration.register(slug, registration_form(email=email), "nl").registration
        own = member.get(f"/r/{seat.token}.ics").body
        assert_meetings_at_1315(own, {f"{slug}@network-portal": MEETINGS[slug]})
    assert_meetings_at_1315(FormSession(client).get(member_feed_path(member)).body, meetings)


def test_the_zone_holds_the_tz_database_on_every_day_from_1996_to_2037():
    """Both parsers' reading of the written zone agree with the tz database at noon on every day,
    and on the hours either side of each change (02:00 in March, 03:00 in October)."""
    zones: dict[str, tzinfo] = {
        "icalendar": own_zone(Timezone.from_ical(TIME_ZONE)),
        "dateutil": tz.tzical(StringIO(TIME_ZONE)).get(),
    }
    moments = [datetime(1996, 1, 1, 12) + timedelta(days=d) for d in range((date(2038, 1, 1) - date(1996, 1, 1)).days)]
    for year in range(1996, 2038):
        for month in (3, 10):
            last_sunday = max(date(year, month, d) for d in range(25, 32) if date(year, month, d).weekday() == 6)
            moments += [datetime.combine(last_sunday, datetime.min.time()) + timedelta(hours=h) for h in (1, 4)]
    for name, zone in zones.items():
        wrong = [m for m in moments if m.replace(tzinfo=zone).utcoffset() != m.replace(tzinfo=TIMEZONE).utcoffset()]
        assert wrong == [], name


# -- negative controls: what these checks catch --------------------------------------------------


def test_the_checks_catch_a_zone_written_as_a_list_of_dates(meetings, visitor):
    """icalendar's own VTIMEZONE, derived from the tz database, is a list of RDATEs."""
    calendar = Calendar.from_ical(visitor.get("/events.ics").body)
    calendar.subcomponents = [c for c in calendar.subcomponents if c.name != "VTIMEZONE"]
    calendar.add_missing_timezones()
    listed = calendar.to_ical()
    assert b"RDATE" in listed
    with pytest.raises(AssertionError):
        assert_meetings_at_1315(listed, meetings)


@pytest.mark.parametrize("parser", PARSERS)
def test_each_parser_catches_a_wrong_summer_offset(meetings, visitor, parser):
    """Summer time written as +01:00: each parser on its own reads the September meeting an hour off."""
    wrong = visitor.get("/events.ics").body.replace(
        b"TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200", b"TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100"
    )
    assert wrong != visitor.get("/events.ics").body
    starts = PARSERS[parser](wrong)
    assert starts["winter@network-portal"].isoformat() == f"{WINTER.isoformat()}T13:15:00{WINTER_TIME}"
    assert starts["zomer@network-portal"].isoformat() == f"{SUMMER.isoformat()}T13:15:00{WINTER_TIME}"
