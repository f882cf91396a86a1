"""Repository for working groups and their members.

A group's partition (GROUP#{name}) holds the group, one item per member and the group's documents,
so that the group page is one Query. Who belongs to a group is written twice, in one transaction:
as a member item in the group's partition (the group's list) and on the account's item (what every
request of that person knows from its session's one read); the account's version condition keeps
the two in step with the account's other changes.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from chalicelib.accounts.model import Account, Group, Member
from chalicelib.audit.store import AuditChange, audit_put
from chalicelib.core import aws, config
from chalicelib.core.dynamo import (
    Item,
    TableStore,
    TransactItem,
    from_attrs,
    is_refused,
    new_put,
    of_partition,
    primary_key,
    query_all,
    refused_as,
    to_attrs,
    versioned_put,
)
from chalicelib.core.keys import GROUP_SK, group_pk, groups_index, member_sk


class GroupExists(Exception):
    """A group with this name exists already."""


class StaleGroup(Exception):
    """The group or the account changed since it was read, or the group is gone."""


class GroupStore(TableStore):
    def get(self, name: str) -> Group | None:
        response = self._client.get_item(
            TableName=self._table, Key=primary_key(group_pk(name), GROUP_SK), ConsistentRead=True
        )
        item = response.get("Item")
        return Group.from_item(from_attrs(item)) if item else None

    def partition(self, name: str) -> list[Item]:
        """Everything the group holds (the group, its members, its documents), in sort-key order: one
        Query, paginated; consistent, so that a page shown after a change shows it."""
        return query_all(
            self._client,
            TableName=self._table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues=to_attrs({":pk": group_pk(name)}),
            ConsistentRead=True,
        )

    def all(self) -> list[Group]:
        """The network's groups by name: one Query of GSI1."""
        return [Group.from_item(item) for item in of_partition(self._client, self._table, "GSI1", groups_index())]

    def create(self, group: Group, audit: AuditChange) -> None:
        put = new_put(self._table, group.to_item())
        with refused_as(GroupExists):
            self._client.transact_write_items(TransactItems=[put, audit_put(self._table, audit)])

    def save(self, group: Group, audit: AuditChange) -> None:
        """Write an edited group if nobody changed it since it was read (StaleGroup otherwise)."""
        expected = group.version
        group.version += 1
        put = versioned_put(self._table, group.to_item(), expected)
        try:
            with refused_as(StaleGroup):
                self._client.transact_write_items(TransactItems=[put, audit_put(self._table, audit)])
        except StaleGroup:
            group.version = expected
            raise

    def delete(self, group: Group, audit: AuditChange) -> None:
        """Remove a group as read (StaleGroup if it changed); the caller made sure it holds nothing."""
        delete: TransactItem = {
            "Delete": {
                "TableName": self._table,
                "Key": primary_key(group_pk(group.name), GROUP_SK),
                "ConditionExpression": "version = :v",
                "ExpressionAttributeValues": to_attrs({":v": group.version}),
            }
        }
        with refused_as(StaleGroup):
            self._client.transact_write_items(TransactItems=[delete, audit_put(self._table, audit)])

    def set_membership(self, group: str, account: Account, member: Member | None, audit: AuditChange) -> None:
        """Write a person's place in a group (`member`; None removes it) together with their account,
        whose `groups` and `leads` the caller has changed to match. StaleGroup when the group is gone or
        the account changed since it was read: nothing is written then."""
        expected = account.version
        account.version += 1
        key = primary_key(group_pk(group), member_sk(account.email))
        place: TransactItem = (
            {"Put": {"TableName": self._table, "Item": to_attrs(member.to_item(group))}}
            if member is not None
            else {"Delete": {"TableName": self._table, "Key": key}}
        )
        items: list[TransactItem] = [
            {
                "ConditionCheck": {
                    "TableName": self._table,
                    "Key": primary_key(group_pk(group), GROUP_SK),
                    "ConditionExpression": "attribute_exists(PK)",
                }
            },
            place,
            versioned_put(self._table, account.to_item(), expected),
            audit_put(self._table, audit),
        ]
        try:
            self._client.transact_write_items(TransactItems=items)
        except ClientError as error:
            account.version = expected
            if is_refused(error):
                raise StaleGroup() from error
            raise


def group_store() -> GroupStore:
    """Working groups in this process's table."""
    return GroupStore(aws.dynamodb(), config.table_name())
