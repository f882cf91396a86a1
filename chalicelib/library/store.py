"""Repository for speakers, their private links, materials and the download audit."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from chalicelib.audit.store import AuditChange, audit_put
from chalicelib.core import aws, config
from chalicelib.core.dynamo import (
    Item,
    TableStore,
    TransactItem,
    applied,
    from_attrs,
    is_condition_failed,
    new_put,
    of_partition,
    on_day,
    partition_query,
    primary_key,
    to_attrs,
)
from chalicelib.core.keys import (
    LINK_SK,
    MATERIAL_PREFIX,
    SPEAKER_PREFIX,
    downloads_pk,
    event_pk,
    material_pk,
    materials_index,
    speaker_link_pk,
)
from chalicelib.core.paging import Page, query_page
from chalicelib.library.model import InvitedSpeaker, Material, TextProblem

if TYPE_CHECKING:
    pass


class LibraryStore(TableStore):
    # -- speakers -------------------------------------------------------

    def add_speaker(self, speaker: InvitedSpeaker, audit: AuditChange) -> str:
        """Store the speaker and a new private link to their page; returns the link's token."""
        put = new_put(self._table, speaker.to_item())
        return self._add_link(speaker, [put], audit)

    def add_link(self, speaker: InvitedSpeaker, audit: AuditChange) -> str:
        """Another link for a speaker who lost theirs (resent); earlier links keep working until revoked."""
        return self._add_link(speaker, [], audit)

    def _add_link(self, speaker: InvitedSpeaker, items: list[TransactItem], audit: AuditChange) -> str:
        token = secrets.token_urlsafe(32)
        link = {
            "PK": speaker_link_pk(token),
            "SK": LINK_SK,
            "type": "speaker_link",
            "event_slug": speaker.event_slug,
            "speaker": speaker.id,
        }
        link_put: TransactItem = {
            "Put": {"TableName": self._table, "Item": to_attrs(link), "ConditionExpression": "attribute_not_exists(PK)"}
        }
        self._client.transact_write_items(TransactItems=[*items, link_put, audit_put(self._table, audit)])
        return token

    def speaker_by_link(self, token: str) -> InvitedSpeaker | None:
        response = self._client.get_item(TableName=self._table, Key=primary_key(speaker_link_pk(token), LINK_SK))
        if "Item" not in response:
            return None
        link = from_attrs(response["Item"])
        return self.speaker(link["event_slug"], link["speaker"])

    def speaker(self, slug: str, speaker_id: str) -> InvitedSpeaker | None:
        response = self._client.get_item(
            TableName=self._table,
            Key=primary_key(event_pk(slug), f"{SPEAKER_PREFIX}{speaker_id}"),
            ConsistentRead=True,
        )
        return InvitedSpeaker.from_item(from_attrs(response["Item"])) if "Item" in response else None

    def speakers_of(self, slug: str) -> list[InvitedSpeaker]:
        response = self._client.query(
            TableName=self._table,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :speaker)",
            ExpressionAttributeValues=to_attrs({":pk": event_pk(slug), ":speaker": SPEAKER_PREFIX}),
        )
        return [InvitedSpeaker.from_item(from_attrs(i)) for i in response["Items"]]

    def revoke(self, speaker: InvitedSpeaker, audit: AuditChange) -> None:
        update: TransactItem = {
            "Update": {
                "TableName": self._table,
                "Key": primary_key(event_pk(speaker.event_slug), f"{SPEAKER_PREFIX}{speaker.id}"),
                "UpdateExpression": "SET revoked = :true",
                "ExpressionAttributeValues": to_attrs({":true": True}),
            }
        }
        self._client.transact_write_items(TransactItems=[update, audit_put(self._table, audit)])

    # -- materials ------------------------------------------------------

    def material(self, material_id: str) -> Material | None:
        response = self._client.get_item(
            TableName=self._table,
            Key=primary_key(material_pk(material_id), f"{MATERIAL_PREFIX}{material_id}"),
            ConsistentRead=True,
        )
        return Material.from_item(from_attrs(response["Item"])) if "Item" in response else None

    def save_material(
        self, material: Material, audit: AuditChange | None = None, also: Sequence[TransactItem] = ()
    ) -> None:
        """Write a material; an organiser's change comes with its audit entry, in one transaction, and
        with `also` (what records where the material came from), whose conditions all must hold."""
        put: TransactItem = {"Put": {"TableName": self._table, "Item": to_attrs(material.to_item())}}
        audited = [audit_put(self._table, audit)] if audit else []
        self._client.transact_write_items(TransactItems=[put, *audited, *also])

    def record_text_problem(self, material: Material, problem: TextProblem | None) -> bool:
        """Why the text of the material's file is not (all) searchable, or that it is (None): one
        UpdateItem, and only while the material still has that very file (a newer one has its own
        reading). False when it has not, or is gone."""
        values: Item = {":key": material.object_key, ":version": material.object_version}
        if problem:
            values[":problem"] = problem.value
        try:
            self._client.update_item(
                TableName=self._table,
                Key=primary_key(material_pk(material.id), f"{MATERIAL_PREFIX}{material.id}"),
                UpdateExpression="SET text_problem = :problem" if problem else "REMOVE text_problem",
                ConditionExpression="object_key = :key AND object_version = :version",
                ExpressionAttributeValues=to_attrs(values),
            )
        except ClientError as error:
            if is_condition_failed(error):
                return False
            raise
        return True

    def delete_material(
        self, material: Material, audit: AuditChange | None = None, also: Sequence[TransactItem] = ()
    ) -> None:
        item_key = primary_key(material_pk(material.id), f"{MATERIAL_PREFIX}{material.id}")
        delete: TransactItem = {"Delete": {"TableName": self._table, "Key": item_key}}
        audited = [audit_put(self._table, audit)] if audit else []
        self._client.transact_write_items(TransactItems=[delete, *audited, *also])

    def newest(self, limit: int, cursor: str | None) -> Page[Material]:
        """One page of every material, drafts too, newest first (organisers' list): one Query of GSI1."""
        params = partition_query(self._table, "GSI1", materials_index(), newest_first=True)
        items, after = query_page(self._client, params, limit, cursor, scope="materials")
        return Page([Material.from_item(item) for item in items], after)

    def all_materials(self) -> list[Material]:
        """Every material, newest first (GSI1 'MATERIALS'), for the index worker's rebuild. Paginates."""
        items = of_partition(self._client, self._table, "GSI1", materials_index(), newest_first=True)
        return [Material.from_item(i) for i in items]

    def visible_on(self, day: str) -> list[Material]:
        """Materials that became visible on a day (YYYY-MM-DD, the network's clock), drafts never:
        one Query of GSI3, whose sort key in this partition is the moment they became visible."""
        return [Material.from_item(i) for i in on_day(self._client, self._table, materials_index(), day)]

    # -- download audit -------------------------------------------------

    def record_download(self, material_id: str, who: str, at: str) -> None:
        item = {
            "PK": downloads_pk(material_id),
            "SK": f"{at}#{secrets.token_hex(4)}",
            "type": "download",
            "who": who,
            "at": at,
        }
        # a refused condition is this very record, written by a try whose answer was lost: done
        applied(
            lambda: self._client.put_item(
                TableName=self._table, Item=to_attrs(item), ConditionExpression="attribute_not_exists(PK)"
            )
        )

    def downloads(self, material_id: str) -> list[Item]:
        response = self._client.query(
            TableName=self._table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues=to_attrs({":pk": downloads_pk(material_id)}),
            ScanIndexForward=False,
        )
        return [from_attrs(i) for i in response["Items"]]


def library_store() -> LibraryStore:
    """Materials, invited speakers and downloads in this process's table."""
    return LibraryStore(aws.dynamodb(), config.table_name())
