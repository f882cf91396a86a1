"""The search index file and the files' extracted texts in the private bucket.

`search/library.sqlite` is the index. `texts/{material id}/{file}.txt` holds the text of one
version of a material's file (`object_keys.text_object`), with the object, its version and the reading's
problem, if any, in its metadata: the extraction worker finds a version it read before, the
index worker and a rebuild read these instead of opening any file, and a replaced file is read anew.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from chalicelib.core import aws, config
from chalicelib.core.object_keys import search_index_object, text_object, texts_prefix
from chalicelib.library.extract import Extracted
from chalicelib.library.model import Material, TextProblem

if TYPE_CHECKING:
    from mypy_boto3_s3.type_defs import GetObjectOutputTypeDef, GetObjectRequestTypeDef


def _missing(error: ClientError) -> bool:
    return error.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound")


def _stored(key: str) -> GetObjectOutputTypeDef | None:
    """The object under `key` in the private bucket, None where there is none."""
    try:
        return aws.s3().get_object(Bucket=config.bucket_name(), Key=key)
    except ClientError as error:
        if _missing(error):
            return None
        raise


def index_etag() -> str | None:
    """The index object's ETag (one HeadObject); None while there is no index yet."""
    try:
        return str(aws.s3().head_object(Bucket=config.bucket_name(), Key=search_index_object())["ETag"])
    except ClientError as error:
        if _missing(error):
            return None
        raise


def download_index(path: Path) -> str | None:
    """Copy the index to `path`; its ETag, or None (and no file) when there is none."""
    response = _stored(search_index_object())
    if response is None:
        return None
    path.write_bytes(response["Body"].read())
    return str(response["ETag"])


def upload_index(path: Path) -> None:
    with path.open("rb") as body:
        aws.s3().put_object(
            Bucket=config.bucket_name(), Key=search_index_object(), Body=body, ContentType="application/vnd.sqlite3"
        )


def extracted(material: Material) -> Extracted | None:
    """The text read from the material's file as it is now (its key and version), None while unread."""
    response = _stored(text_object(material.id, material.object_key, material.object_version))
    if response is None:
        return None
    problem = response.get("Metadata", {}).get("problem", "")
    return Extracted(response["Body"].read().decode("utf-8"), TextProblem(problem) if problem else None)


def keep_extracted(material: Material, result: Extracted) -> None:
    aws.s3().put_object(
        Bucket=config.bucket_name(),
        Key=text_object(material.id, material.object_key, material.object_version),
        Body=result.text.encode("utf-8"),
        ContentType="text/plain; charset=utf-8",
        Metadata={"source": material.object_key, "version": material.object_version, "problem": result.problem or ""},
    )


def delete_texts(material_id: str, keep: Material | None = None) -> None:
    """Every text kept for a material, but that of `keep`'s file as it is now: those of replaced
    files, or all of them once the material is removed."""
    s3, bucket = aws.s3(), config.bucket_name()
    kept = text_object(keep.id, keep.object_key, keep.object_version) if keep else None
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=texts_prefix(material_id)):
        for entry in page.get("Contents", []):
            if entry["Key"] != kept:
                s3.delete_object(Bucket=bucket, Key=entry["Key"])


def file_content(key: str, version: str) -> bytes | None:
    """A material's whole file (the version that was checked, when known), for its text; None when
    that object or version is gone (a material removed meanwhile, or a file deleted by hand)."""
    request: GetObjectRequestTypeDef = {"Bucket": config.bucket_name(), "Key": key}
    if version:
        request["VersionId"] = version
    try:
        return bytes(aws.s3().get_object(**request)["Body"].read())
    except ClientError as error:
        if _missing(error) or error.response["Error"]["Code"] == "NoSuchVersion":
            return None
        raise
