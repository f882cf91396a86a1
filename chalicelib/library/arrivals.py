"""S3's notifications of uploads arriving under incoming/: each arrival is checked as when the browser
reports the upload done (`speakers.check_upload`, or `group_documents.check_upload` for a version of a
working group's document), so an upload whose uploader never comes back is checked all the same.
Whichever of the two comes first keeps it; the other finds it kept or gone."""

from __future__ import annotations

import json
import logging
from urllib.parse import unquote_plus

from chalicelib.core import s3, tenancy
from chalicelib.core.keys import network_of_object
from chalicelib.core.object_keys import INCOMING_PREFIX
from chalicelib.library import group_documents, speakers
from chalicelib.networks import service as networks

log = logging.getLogger(__name__)


def arrived_keys(notification: str) -> list[str]:
    """The keys of the objects an S3 notification reports created under incoming/. S3 sends keys
    URL-encoded (a space as '+'). The test event S3 sends when the notification is configured
    (`"Event": "s3:TestEvent"`, no records) reports none, and neither does anything that is not S3's JSON."""
    try:
        message = json.loads(notification)
    except ValueError:
        log.warning("upload notification is not JSON; dropped")
        return []
    records = message.get("Records") if isinstance(message, dict) else None
    keys = []
    for record in records if isinstance(records, list) else []:
        try:
            created = str(record["eventName"]).startswith("ObjectCreated:")
            key = unquote_plus(record["s3"]["object"]["key"])
        except (TypeError, KeyError):
            continue
        if created and key.startswith(INCOMING_PREFIX):
            keys.append(key)
    return keys


def check(notification: str) -> dict[str, int]:
    """Check every upload a notification reports, inside the network its key names; how many it
    reported and how many are material now. A key of no known network is nobody's: removed."""
    keys = arrived_keys(notification)
    kept = 0
    for key in keys:
        try:
            network = networks.named(network_of_object(key.removeprefix(INCOMING_PREFIX)))
        except networks.UnknownNetwork:
            s3.discard(key)
            continue
        check = group_documents.check_upload if group_documents.is_group_upload(key) else speakers.check_upload
        with tenancy.within(network):
            kept += check(key) is not None
    return {"arrived": len(keys), "kept": kept}
