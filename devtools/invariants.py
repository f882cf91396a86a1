"""What must hold of a running stack at any moment, for a soak (devtools/soak.py) or a check by hand to
assert; each a plain function of what was read, so that a test can hand it a broken state."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from chalicelib.core.object_keys import INCOMING_PREFIX

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


def unchecked_uploads(s3: S3Client, bucket: str, window: timedelta, now: datetime | None = None) -> list[str]:
    """The keys of uploads still waiting under the incoming prefix that arrived more than `window` ago:
    the check (the browser's or the notification's) keeps or removes every upload, so none should be
    there for long. Every version counts, so an upload hidden behind a newer one is not missed."""
    before = (now or datetime.now(UTC)) - window
    found = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=INCOMING_PREFIX):
        found += [v["Key"] for v in page.get("Versions", []) if v["LastModified"] < before]
    return sorted(set(found))


def address_key(email: str) -> str:
    """A recipient mark's key: as the mail worker hashes an address."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


@dataclass(frozen=True)
class MailFindings:
    lost: int
    doubled: int
    unknown: int
    excess: int


def mail_findings(marks: dict[str, tuple[str, int]], copies: Counter[str]) -> MailFindings:
    """One finished job: its marks (recipient key -> state, unknown outcomes) against the copies each
    recipient received. Lost: marked sent (or never settled) but nothing arrived. Excess: more copies
    than one plus the unknown outcomes recorded for that recipient."""
    lost = sum(1 for key, (state, _) in marks.items() if state in ("sent", "claimed") and not copies[key])
    doubled = sum(n - 1 for n in copies.values() if n > 1)
    unknown = sum(n for _, n in marks.values())
    excess = sum(max(0, copies[key] - 1 - marks.get(key, ("", 0))[1]) for key in copies)
    return MailFindings(lost, doubled, unknown, excess)


def counter_findings(stored: Counter[str], counted: Counter[str]) -> list[str]:
    """Each counter the meeting keeps (its seats and waiting lists per way of taking part, each
    workshop's seats taken, the overview's figures) against the same counted from its registrations."""
    return [
        f"{name}: counter {stored[name]} != {counted[name]} counted"
        for name in sorted(set(stored) | set(counted))
        if stored[name] != counted[name]
    ]
