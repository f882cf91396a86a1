"""Round-trips of the stored shapes (Hypothesis; no AWS)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Literal

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core.config import TIMEZONE
from chalicelib.core.dynamo import from_attrs, to_attrs
from chalicelib.core.keys import email_key, scoped
from chalicelib.events.model import Event, EventStatus
from chalicelib.events.parts import Slot, Speaker
from chalicelib.registrations.model import Registration

SURROGATES: tuple[Literal["Cs"]] = ("Cs",)  # typed as hypothesis asks: in the call, mypy reads ("Cs",) as plain text
text = st.text(st.characters(blacklist_categories=SURROGATES), min_size=1, max_size=40)
times = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59))
# moments as the portal makes them: instants on the network's clock (a wall time in the hour that
# summer time skips is no instant, and a form's is stored as the instant it names)
moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)).map(
    lambda d: d.astimezone(TIMEZONE)
)


@given(
    slug=st.from_regex(r"[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,3}", fullmatch=True),
    title=text,
    day=st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 1, 1)),
    capacity=st.integers(0, 10_000),
    roles=st.lists(text, max_size=4).map(tuple),
    status=st.sampled_from(["published", "cancelled"]),
    deadline=st.none() | moments,
)
def test_event_survives_dynamodb_types(slug, title, day, capacity, roles, status, deadline):
    event = Event(
        slug,
        title,
        day,
        "13:15",
        "17:00",
        "Raadzaal",
        capacity,
        roles=roles,
        status=status,
        registration_deadline=deadline,
    )
    again = Event.from_item(from_attrs(to_attrs(event.to_item())))
    assert again == event


def test_only_published_events_are_in_the_public_list():
    published = Event("a", "A", date(2027, 1, 1), "10:00", "11:00", "X", 1).to_item()
    cancelled = Event("a", "A", date(2027, 1, 1), "10:00", "11:00", "X", 1, status=EventStatus.CANCELLED).to_item()
    draft = Event("a", "A", date(2027, 1, 1), "10:00", "11:00", "X", 1, status=EventStatus.DRAFT).to_item()
    assert (published["GSI1PK"], published["GSI1SK"]) == (scoped("EVENTS"), "2027-01-01T10:00#a")
    # organisers read the other statuses from partitions of their own
    assert (cancelled["GSI1PK"], draft["GSI1PK"]) == (scoped("EVENTS#cancelled"), scoped("EVENTS#draft"))


@given(
    position=st.integers(1, 999),
    order=st.integers(1, 999),
    start=times,
    title=text,
    speakers=st.lists(st.tuples(text, text), max_size=3),
)
def test_slot_survives(position, order, start, title, speakers):
    slot = Slot(position, start, "", title, tuple(Speaker(n, o) for n, o in speakers), order)
    assert Slot.from_item(from_attrs(to_attrs(slot.to_item("x")))) == slot


@given(
    name=text,
    remarks=st.text(max_size=200),
    created=moments,
    status=st.sampled_from(["confirmed", "waiting", "cancelled"]),
)
def test_registration_survives(name, remarks, created, status):
    reg = Registration("ev", "t" * 43, name, "a@b.nl", "Org", "Rol", created, status=status, remarks=remarks)
    if status == "waiting":
        reg.wait_key = reg.new_wait_key()
    if status == "cancelled":
        # a day later on the clock, not on the wall: wall-clock arithmetic can land in the hour a
        # spring-forward skips (02:00 on 2030-03-31), a moment no clock reading ever is
        reg.cancelled_at = (created.astimezone(UTC) + timedelta(days=1)).astimezone(TIMEZONE)
    assert Registration.from_item(from_attrs(to_attrs(reg.to_item()))) == reg


def test_registration_keys_hold_no_address_and_ignore_case():
    reg = Registration("ev", "t", "N", "Jan@Politie.nl", "O", "R", datetime(2027, 1, 1, tzinfo=TIMEZONE))
    assert "politie" not in reg.sk.lower()
    assert reg.sk == "REG#" + email_key("jan@politie.nl")


def test_waiting_keys_sort_by_time():
    early = Registration("ev", "t", "N", "b@x.nl", "O", "R", datetime(2027, 1, 1, 9, 0, 0, 1, tzinfo=TIMEZONE))
    late = Registration("ev", "t", "N", "a@x.nl", "O", "R", datetime(2027, 1, 1, 9, 0, 0, 2, tzinfo=TIMEZONE))
    assert early.new_wait_key() < late.new_wait_key()
