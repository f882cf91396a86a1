"""Export files in the private bucket: written by the worker, fetched through a short-lived link."""

from __future__ import annotations

from typing import IO

from chalicelib.core import aws, config, s3

CSV = "text/csv; charset=utf-8"


def put(key: str, body: IO[bytes]) -> None:
    """Upload a finished file, streamed from disk (one PUT takes up to 5 GB)."""
    aws.s3().put_object(Bucket=config.bucket_name(), Key=key, Body=body, ContentType=CSV)


def download_url(key: str, filename: str) -> str:
    """A link that works for five minutes and makes the browser save the file."""
    return s3.download_url(key, filename, CSV)
