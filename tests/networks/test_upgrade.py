"""The one-off upgrade (devtools/network_upgrade.py): a deployment made before networks keeps every
meeting, registration and file, now in its default network; a second run changes nothing."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from chalicelib.core import aws, config
from chalicelib.core.dynamo import from_attrs, to_attrs
from chalicelib.core.keys import scoped, scoped_object
from chalicelib.core.object_keys import search_index_object, text_object
from chalicelib.registrations import service as registration
from devtools.network_upgrade import Upgrade, upgrade
from tests.support.factories import registration_form
from tests.support.library import put_material


def made_before_networks() -> None:
    """Every item and object as the portal wrote them before networks: no network in any key."""
    dynamodb, s3, table, bucket = aws.dynamodb(), aws.s3(), config.table_name(), config.bucket_name()
    for page in dynamodb.get_paginator("scan").paginate(TableName=table):
        for attributes in page["Items"]:
            item = from_attrs(attributes)
            old = dict(item)
            for name in ("PK", "GSI1PK", "GSI2PK"):
                if isinstance(old.get(name), str):
                    old[name] = old[name].removeprefix(scoped(""))
            if isinstance(old.get("object_key"), str):
                old["object_key"] = old["object_key"].removeprefix(scoped_object(""))
            dynamodb.delete_item(TableName=table, Key=to_attrs({"PK": item["PK"], "SK": item["SK"]}))
            dynamodb.put_item(TableName=table, Item=to_attrs(old))
    for entry in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        key = entry["Key"]
        if scoped_object("") in key:  # n/{network}/… , or search/, texts/ and exports/ before it
            s3.copy_object(
                Bucket=bucket, Key=key.replace(scoped_object(""), "", 1), CopySource={"Bucket": bucket, "Key": key}
            )
            s3.delete_object(Bucket=bucket, Key=key)


def run() -> Upgrade:
    return upgrade(aws.dynamodb(), aws.s3(), config.table_name(), config.bucket_name(), config.default_network_name())


def test_what_was_there_before_networks_is_the_default_networks_after_the_upgrade(make_event, client):
    # GIVEN a meeting with a registration, and a public document, all stored without a network
    event = make_event()
    outcome = registration.register(event.slug, registration_form(), "nl")
    material = put_material("public", event_slug="")
    made_before_networks()
    # negative control: the portal finds none of it while it has no network
    assert client.http.get(f"/events/{event.slug}").status_code == 404
    assert client.http.get(f"/r/{outcome.registration.token}").status_code == 404

    # WHEN the upgrade runs
    done = run()

    # THEN the meeting, the personal page and the file are back, in the default network
    assert client.http.get(f"/events/{event.slug}").status_code == 200
    assert client.http.get(f"/r/{outcome.registration.token}").status_code == 200
    download = client.http.get(f"/kennisbank/{material.id}/download")
    assert download.status_code == 303
    location = urlsplit(download.headers["Location"])
    key = location.path.lstrip("/").removeprefix(f"{config.bucket_name()}/")  # path- or host-style URL
    assert key.startswith(scoped_object("documents/"))
    version = parse_qs(location.query)["versionId"][0]
    assert aws.s3().get_object(Bucket=config.bucket_name(), Key=key, VersionId=version)["Body"].read()
    assert done.items > 0
    assert done.objects == 1
    # and nothing of the old shape is left
    keys = [o["Key"] for o in aws.s3().list_objects_v2(Bucket=config.bucket_name()).get("Contents", [])]
    assert all(scoped_object("") in k for k in keys), keys


def test_a_second_run_changes_nothing(make_event, client):
    make_event()
    put_material("public", event_slug="")
    made_before_networks()
    first = run()
    assert (first.items > 0, first.objects) == (True, 1)

    again = run()

    assert (again.items, again.objects, again.moved) == (0, 0, {})


def test_a_networks_own_texts_and_index_survive_another_run(moto):
    s3, bucket = aws.s3(), config.bucket_name()
    for key in (text_object("_.abc", "documents/x", "v1"), search_index_object()):
        s3.put_object(Bucket=bucket, Key=key, Body=b"kept")
    s3.put_object(Bucket=bucket, Key="texts/_.abc/old.txt", Body=b"before networks")  # derived, old shape

    done = run()

    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}
    assert keys == {text_object("_.abc", "documents/x", "v1"), search_index_object()}
    assert done.dropped == 1
