"""The private bucket: presigned forms that send a browser's file straight to it, presigned links that
hand an object to the browser for a few minutes, and deleting an object with all its versions."""

from __future__ import annotations

import logging
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.core import aws, config

log = logging.getLogger(__name__)

# what a presigned form fixes as the object's type: the portal reads the type from the content, and
# whatever hands the object out again names its type itself
ANY_TYPE = "application/octet-stream"


def upload_post(prefix: str, max_bytes: int, redirect: str | None) -> dict[str, Any]:
    """A presigned POST (`url` and `fields`) for a key under `prefix`, filled in by the form (the `key`
    field), of 1 to `max_bytes` bytes, for an hour. With `redirect`, S3 answers by sending the browser
    there; without, with 201 (for a script that sends the form itself)."""
    fields: dict[str, str] = {
        "Content-Type": ANY_TYPE,
        **({"success_action_redirect": redirect} if redirect else {"success_action_status": "201"}),
    }
    conditions: list[Any] = [
        {"Content-Type": ANY_TYPE},
        ["content-length-range", 1, max_bytes],
        ["starts-with", "$x-amz-meta-filename", ""],
        *({name: value} for name, value in fields.items() if name != "Content-Type"),
    ]
    # a key ending in ${filename} makes boto3 sign "starts-with $key <prefix>"; the form fills in the key
    form: dict[str, Any] = aws.s3().generate_presigned_post(
        config.bucket_name(),
        prefix + "${filename}",
        Fields=fields,
        Conditions=conditions,
        ExpiresIn=config.UPLOAD_URL_SECONDS,
    )
    form["fields"].pop("key")
    return form


def download_url(key: str, filename: str, content_type: str, version: str = "") -> str:
    """A link that works for `DOWNLOAD_URL_SECONDS` and makes the browser save the object as `filename`;
    with `version`, that version of it."""
    url: str = aws.s3().generate_presigned_url(
        "get_object",
        Params={
            "Bucket": config.bucket_name(),
            "Key": key,
            "ResponseContentDisposition": f'attachment; filename="{filename}"',
            "ResponseContentType": content_type,
            **({"VersionId": version} if version else {}),
        },
        ExpiresIn=config.DOWNLOAD_URL_SECONDS,
    )
    return url


def delete(key: str) -> None:
    """Remove an object and all its versions (the bucket keeps versions)."""
    s3, bucket = aws.s3(), config.bucket_name()
    versions = s3.list_object_versions(Bucket=bucket, Prefix=key)
    for entry in [*versions.get("Versions", []), *versions.get("DeleteMarkers", [])]:
        if entry["Key"] == key:
            s3.delete_object(Bucket=bucket, Key=key, VersionId=entry["VersionId"])


def discard(key: str) -> None:
    """Delete an object that nothing uses (any longer) as `delete` does, without failing the request
    over it: when S3 refuses, the key (which names no person) is logged and the object left. No record
    points to it, so nobody is sent to it. A lifecycle rule cannot tell it from what is used; a job
    that compares the keys in the bucket with the records could remove it."""
    try:
        delete(key)
    except (ClientError, BotoCoreError) as error:
        log.warning("left %s in the bucket: deleting it failed (%s)", key, error)
