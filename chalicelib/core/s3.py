"""Presigned S3 links that hand a private object to the browser for a few minutes."""

from __future__ import annotations

from chalicelib.core import aws, config


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
