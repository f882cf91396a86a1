"""The one-off upgrade of a deployment made before networks: all its data becomes the default network's.

Before networks, keys named no network (`EVENT#{slug}`, `documents/...`). Now every partition key
starts with `N#{network}#` and every object key with `n/{network}/` (core/keys.py). This moves each
item and object of the old shape into the default network, in three steps that are each safe to run
again (`manage.py upgrade-networks`, README "Upgrading"):

1. copy every object of the old shape to its new key (the old one stays until step 3);
2. write every item of the old shape again under its new keys (PK, GSI1PK, GSI2PK), pointing at the
   copied file where it names one, and delete the old item: one BatchWriteItem for both;
3. delete the old objects, every version of them.

Interrupted anywhere, a second run finishes the work: an item or object of the new shape is never
touched again. The texts taken from files and the search index are derived, so they are not copied but
dropped; `manage.py reindex` (which the command runs last) reads the files again and rebuilds the index.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chalicelib.core.dynamo import Item, from_attrs, to_attrs
from chalicelib.core.keys import NETWORK_OBJECTS, NETWORK_PREFIX, PLATFORM_PK
from chalicelib.core.object_keys import INCOMING_PREFIX, LOGO_UPLOADS_PREFIX

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client

PARTITION_ATTRIBUTES = ("PK", "GSI1PK", "GSI2PK")  # GSI3 shares GSI1's partition key
DERIVED_OBJECTS = ("texts/", "search/")  # made again from the files: dropped, not copied
BATCH = 25  # BatchWriteItem's limit: a put and a delete per item, so 12 items a call


@dataclass
class Upgrade:
    items: int = 0
    objects: int = 0
    dropped: int = 0
    moved: dict[str, tuple[str, str]] = field(default_factory=dict)  # old key -> (new key, its version)


def is_derived_before_networks(key: str) -> bool:
    """A text or search index of the old shape; one under `texts/n/{network}/` is a network's own."""
    return key.startswith(DERIVED_OBJECTS) and not key.split("/", 1)[1].startswith(NETWORK_OBJECTS)


def new_object_key(key: str, network: str) -> str | None:
    """Where an object of the old shape goes; None if it has the new shape already (or is derived)."""
    scoped = f"{NETWORK_OBJECTS}{network}/"
    for kept_first in (INCOMING_PREFIX, LOGO_UPLOADS_PREFIX, "exports/"):  # the bucket's lifecycle rules match these
        if key.startswith(kept_first):
            rest = key.removeprefix(kept_first)
            return None if rest.startswith(NETWORK_OBJECTS) else f"{kept_first}{scoped}{rest}"
    if key.startswith(NETWORK_OBJECTS) or key.startswith(DERIVED_OBJECTS):
        return None
    return f"{scoped}{key}"


def new_item(item: Item, network: str, moved: dict[str, tuple[str, str]]) -> Item | None:
    """The item under the network's keys; None if it has them already, or is the platform's own."""
    if str(item["PK"]).startswith((NETWORK_PREFIX, PLATFORM_PK)):
        return None
    upgraded = dict(item)
    for name in PARTITION_ATTRIBUTES:
        if isinstance(upgraded.get(name), str):
            upgraded[name] = f"{NETWORK_PREFIX}{network}#{upgraded[name]}"
    if isinstance(upgraded.get("object_key"), str) and upgraded["object_key"] in moved:
        upgraded["object_key"], upgraded["object_version"] = moved[upgraded["object_key"]]
    return upgraded


def _objects(s3: S3Client, bucket: str) -> Iterator[str]:
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for entry in page.get("Contents", []):
            yield entry["Key"]


def _versions(s3: S3Client, bucket: str, key: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=key):
        found += [
            {"Key": v["Key"], "VersionId": v["VersionId"]}
            for v in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
            if v["Key"] == key
        ]
    return found


def upgrade(dynamodb: DynamoDBClient, s3: S3Client, table: str, bucket: str, network: str) -> Upgrade:
    done = Upgrade()
    old_objects = list(_objects(s3, bucket))
    _copy_objects(s3, bucket, old_objects, network, done)
    _move_items(dynamodb, table, network, done)
    _delete_old_objects(s3, bucket, old_objects, done)
    return done


def _copy_objects(s3: S3Client, bucket: str, keys: list[str], network: str, done: Upgrade) -> None:
    for key in keys:
        target = new_object_key(key, network)
        if target is not None:
            copied = s3.copy_object(Bucket=bucket, Key=target, CopySource={"Bucket": bucket, "Key": key})
            done.moved[key] = (target, copied.get("VersionId", ""))


def _move_items(dynamodb: DynamoDBClient, table: str, network: str, done: Upgrade) -> None:
    pending: list[Any] = []
    for page in dynamodb.get_paginator("scan").paginate(TableName=table):
        for attributes in page["Items"]:
            item = from_attrs(attributes)
            upgraded = new_item(item, network, done.moved)
            if upgraded is None:
                continue
            pending += [
                {"PutRequest": {"Item": to_attrs(upgraded)}},
                {"DeleteRequest": {"Key": to_attrs({"PK": item["PK"], "SK": item["SK"]})}},
            ]
            done.items += 1
            if len(pending) >= BATCH - 1:
                _write(dynamodb, table, pending)
                pending = []
    _write(dynamodb, table, pending)


def _delete_old_objects(s3: S3Client, bucket: str, keys: list[str], done: Upgrade) -> None:
    """Every version of each object copied, and of each derived one."""
    for key in keys:
        derived = is_derived_before_networks(key)
        if key in done.moved or derived:
            versions = _versions(s3, bucket, key)
            for start in range(0, len(versions), 1000):
                s3.delete_objects(Bucket=bucket, Delete={"Objects": versions[start : start + 1000]})  # type: ignore[typeddict-item]
            done.objects += not derived
            done.dropped += derived


def _write(dynamodb: DynamoDBClient, table: str, requests: list[Any]) -> None:
    """A batch, and again what DynamoDB left unprocessed (throttled), until all is written."""
    while requests:
        response = dynamodb.batch_write_item(RequestItems={table: requests})
        requests = list(response.get("UnprocessedItems", {}).get(table, []))
        if requests:
            time.sleep(0.5)
