"""Loading events from an organiser's YAML or JSON file (manage.py load-events)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from chalicelib.core import aws, config
from chalicelib.core.dynamo import to_attrs
from chalicelib.events.importer import InvalidEventFile, load, parse_event
from chalicelib.events.store import event_store
from tests.support.aws import ROOT
from tests.support.events import minimal
from tests.support.stored import present


def test_the_demo_file_loads_with_its_whole_programme(moto):
    assert load(yaml.safe_load((ROOT / "demo" / "events.yaml").read_text())) == ["netwerkbijeenkomst-zwijndrecht"]
    event = present(event_store().get("netwerkbijeenkomst-zwijndrecht"))
    assert len(event.programme) == 9
    [round_] = event.rounds  # 15:30-16:10: three workshops to choose from
    assert [(s.title, s.capacity) for s in round_.workshops] == [
        ("Het belang van een goede Meldingsstructuur Radicalisering", 30),
        ("Opleidingsaanbod", 25),
        ("Online aangejaagde ordeverstoring", 25),
    ]
    assert len(event.workshop_seats) == 3
    assert event.programme[2].speakers[1].name == "Leonora Buis-Meulmeester"
    assert event.starts_at.weekday() == 0  # a Monday, as 18 September was in the announcement
    assert [(q.kind, q.label, q.required) for q in event.questions] == [
        ("yesno", "Neemt u deel aan de netwerkborrel?", True),
        ("short", "Dieetwensen", False),
    ]


def test_a_question_in_a_file_meets_the_workspace_rules(moto):
    with pytest.raises(InvalidEventFile, match=r"question 2: 'options': Give 2 to 12 options, one per line."):
        load(
            [
                minimal(
                    questions=[
                        {"kind": "yesno", "label": "Borrel?"},
                        {"kind": "choice", "label": "Welke?", "options": ["A"]},
                    ]
                )
            ]
        )


def test_loading_again_updates_but_keeps_the_seat_counters(moto):
    load([minimal(programme=[{"start": "13:00", "title": "A"}, {"start": "14:00", "title": "B"}])])
    event = present(event_store().get_meta("bijeenkomst"))
    event.confirmed = 4  # as if four people had registered
    aws.dynamodb().put_item(TableName=config.table_name(), Item=to_attrs(event.to_item()))

    load([minimal(title="Nieuwe titel", programme=[{"start": "13:00", "title": "A"}])])

    again = present(event_store().get("bijeenkomst"))
    assert (again.title, again.confirmed, len(again.programme)) == ("Nieuwe titel", 4, 1)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"slug": "Hoofd Letters"}, "event 'Hoofd Letters': 'slug': Only lowercase letters"),
        ({"date": "18-09-2028"}, "'date': Enter a date like 2027-09-18"),
        ({"start": "25:00"}, "'start': Enter a time like 13:30"),
        ({"end": "12:00"}, "'end': The end time must be after the start time"),
        ({"capacity": -1}, "'capacity': Enter a whole number from 0 to 5000"),
        ({"capacity": "veel"}, "'capacity': Enter a whole number"),
        ({"capacity": 5001}, "'capacity': Enter a whole number from 0 to 5000"),
        ({"title": ""}, "event 'bijeenkomst': 'title': This field is required"),
        ({"title": "x" * 151}, "'title': This field is too long"),
        ({"summary": "y" * 301}, "'summary': This field is too long"),
        ({"themes": ["polarisatie", "iets anders"]}, "'themes': not one of polarisatie, radicalisering"),
        ({"roles": [f"functie {i}" for i in range(21)]}, "'roles': At most 20 lines"),
        (
            {"registration_deadline": "2027-06-01T10:00"},
            "'registration_deadline': The registration deadline must be before",
        ),
        (
            {"programme": [{"start": "14:00", "end": "13:00", "title": "X"}]},
            "slot 1: 'end': The end time must be after",
        ),
        ({"programme": [{"start": "14:00"}]}, "slot 1: 'title': This field is required"),
        ({"programme": [{"start": "12:00", "title": "X"}]}, "slot 1: 'start': This item falls outside"),
        (
            {"programme": [{"start": "13:00", "end": "14:00", "title": "A"}, {"start": "13:30", "title": "B"}]},
            "slot 2: 'start': This item overlaps with 13:00–14:00 A",
        ),
    ],
)
def test_bad_files_are_refused_with_the_event_and_field_named(overrides, message):
    with pytest.raises(InvalidEventFile, match=message):
        parse_event(minimal(**overrides))


def test_nothing_is_stored_when_one_event_is_bad(moto):
    with pytest.raises(InvalidEventFile):
        load([minimal(), minimal(slug="tweede", end="01:00")])
    assert event_store().get("bijeenkomst") is None


def test_command_line_reports_errors_without_a_trace_and_stores_nothing(tmp_path, moto_server):
    bad = tmp_path / "events.json"
    bad.write_text(json.dumps({"events": [minimal(slug="goed"), minimal(capacity=-5)]}))
    # the network's settings are read (its themes are part of the check), nothing is written
    result = subprocess.run(
        [sys.executable, "manage.py", "load-events", str(bad)], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "'capacity': Enter a whole number" in result.stderr
    assert "Traceback" not in result.stderr
    assert event_store().get("goed") is None


def test_an_offset_in_the_file_is_kept_and_a_plain_time_is_local():
    from chalicelib.core.config import TIMEZONE

    utc = parse_event(minimal(registration_deadline="2027-04-20T09:00:00Z"))
    local = parse_event(minimal(registration_deadline="2027-04-20T11:00"))
    assert utc.registration_deadline == local.registration_deadline
    assert present(local.registration_deadline).astimezone(TIMEZONE).hour == 11
