"""The chaos soak (devtools/soak.py): its invariants catch a broken state, and a short soak over real
HTTP (its own stack, worker kills and AWS faults included) ends with every invariant holding."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter

import pytest

from devtools.invariants import address_key, counter_findings, mail_findings
from tests.support.aws import ROOT

SUMMARY = re.compile(
    r"^soak: \d+ requests, (\d+) mails, (\d+) worker kills, (\d+) unknown outcomes, lost (\d+), doubled (\d+), "
    r"counter mismatches (\d+), unexpected 5xx (\d+)$"
)
A, B = address_key("a@gemeente.nl"), address_key("b@gemeente.nl")


def test_every_recipient_mailed_once_is_no_finding():
    found = mail_findings({A: ("sent", 0), B: ("sent", 0)}, Counter({A: 1, B: 1}))
    assert (found.lost, found.doubled, found.excess) == (0, 0, 0)


def test_negative_control_a_recipient_marked_sent_without_a_mail_is_lost():
    assert mail_findings({A: ("sent", 0), B: ("sent", 0)}, Counter({A: 1})).lost == 1


def test_negative_control_a_second_copy_without_an_unknown_outcome_is_excess():
    found = mail_findings({A: ("sent", 0)}, Counter({A: 2}))
    assert (found.doubled, found.unknown, found.excess) == (1, 0, 1)


def test_a_second_copy_after_an_unknown_outcome_is_allowed_once():
    assert mail_findings({A: ("sent", 1)}, Counter({A: 2})).excess == 0
    assert mail_findings({A: ("sent", 1)}, Counter({A: 3})).excess == 1  # one copy more per event


def test_negative_control_a_counter_off_by_one_is_a_mismatch():
    assert counter_findings(Counter(confirmed=3), Counter(confirmed=3)) == []
    assert counter_findings(Counter(confirmed=3, waiting=1), Counter(confirmed=4, waiting=1)) == [
        "confirmed: counter 3 != 4 counted"
    ]


@pytest.mark.live
def test_a_short_soak_holds_every_invariant():
    """About 45 s: its own stack, 20 s of visitors, worker kills and injected AWS faults, then the drain."""
    env = {**os.environ, "SOAK_SECONDS": "20", "SOAK_CHECK_SECONDS": "10", "SOAK_KILL_EVERY": "4,8"}
    done = subprocess.run(
        [sys.executable, "-m", "devtools.soak"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    last = done.stdout.strip().splitlines()[-1]
    summary = SUMMARY.match(last)
    assert summary, last
    mails, kills, unknown, lost, doubled, mismatches, unexpected = map(int, summary.groups())
    assert mails > 0
    assert kills > 0
    assert (lost, mismatches, unexpected) == (0, 0, 0)
    assert doubled <= unknown
