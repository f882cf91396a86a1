"""Export files in the private bucket: written by the worker, fetched through a short-lived link."""

from __future__ import annotations

from typing import IO

from chalicelib.core import aws, config, s3
from chalicelib.core.xlsx_export import CONTENT_TYPE as XLSX
from chalicelib.exports.model import ExportFormat

CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: XLSX,
    ExportFormat.PDF: "application/pdf",
}


def put(key: str, body: IO[bytes], file_format: ExportFormat) -> None:
    """Upload a finished file, streamed from disk (one PUT takes up to 5 GB)."""
    aws.s3().put_object(Bucket=config.bucket_name(), Key=key, Body=body, ContentType=CONTENT_TYPES[file_format])


def download_url(key: str, filename: str, file_format: ExportFormat) -> str:
    """A link that works for five minutes and makes the browser save the file."""
    return s3.download_url(key, filename, CONTENT_TYPES[file_format])
