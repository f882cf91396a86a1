"""The search index file and the files' extracted texts in the private bucket.

`search/library.sqlite` is the index. `texts/{material id}.txt` holds a file's text, with the
object it came from in its metadata: a rebuild reads these instead of opening every file again,
and a replaced file is read anew.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from chalicelib.core import aws, config
from chalicelib.core.keys import SEARCH_INDEX_OBJECT, text_object

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
        return str(aws.s3().head_object(Bucket=config.bucket_name(), Key=SEARCH_INDEX_OBJECT)["ETag"])
    except ClientError as error:
        if _missing(error):
            return None
        raise


def download_index(path: Path) -> str | None:
    """Copy the index to `path`; its ETag, or None (and no file) when there is none."""
    response = _stored(SEARCH_INDEX_OBJECT)
    if response is None:
        return None
    path.write_bytes(response["Body"].read())
    return str(response["ETag"])


def upload_index(path: Path) -> None:
    with path.open("rb") as body:
        aws.s3().put_object(
            Bucket=config.bucket_name(), Key=SEARCH_INDEX_OBJECT, Body=body, ContentType="application/vnd.sqlite3"
        )


def text(material_id: str, source: str) -> str | None:
    """The stored text of a material's file, if it was taken from this very object."""
    response = _stored(text_object(material_id))
    if response is None or response.get("Metadata", {}).get("source") != source:
        return None
    return str(response["Body"].read().decode("utf-8"))


def put_text(material_id: str, source: str, content: str) -> None:
    aws.s3().put_object(
        Bucket=config.bucket_name(),
        Key=text_object(material_id),
        Body=content.encode("utf-8"),
        ContentType="text/plain; charset=utf-8",
        Metadata={"source": source},
    )


def delete_text(material_id: str) -> None:
    aws.s3().delete_object(Bucket=config.bucket_name(), Key=text_object(material_id))


def file_content(key: str, version: str) -> bytes:
    """A material's whole file (the version that was checked, when known), for its text."""
    request: GetObjectRequestTypeDef = {"Bucket": config.bucket_name(), "Key": key}
    if version:
        request["VersionId"] = version
    return bytes(aws.s3().get_object(**request)["Body"].read())
