"""What must hold of a running stack at any moment, for a soak or a check by hand to assert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from chalicelib.core.keys import INCOMING_PREFIX

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
