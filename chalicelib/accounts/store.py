"""Repository for accounts, their one-time links, and the trusted email domains.

One-time links are stored under a hash of the token, so the table never holds
a usable link. A link is used by one conditional update; a second use, or a
second tab at the same moment, fails that condition.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from chalicelib.accounts.model import Access, Account, AccountStatus
from chalicelib.audit.store import AuditChange, audit_put
from chalicelib.core import aws, config
from chalicelib.core.dynamo import (
    Item,
    TableStore,
    TransactItem,
    batch_get_all,
    cancellation_codes,
    from_attrs,
    is_cancelled,
    is_refused,
    of_partition,
    old_item,
    partition_query,
    primary_key,
    query_all,
    refused_as,
    to_attrs,
    versioned_put,
    with_prefix,
)
from chalicelib.core.errors import ServiceBusy
from chalicelib.core.keys import (
    ACCOUNT_SK,
    FOLLOWER_PREFIX,
    LINK_SK,
    SESSION_PREFIX,
    account_pk,
    account_pk_by_key,
    accounts_index,
    email_key,
    group_pk,
    link_pk,
    member_sk,
    newsletter_index,
    trusted_domains_key,
)
from chalicelib.core.paging import Page, query_page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import PutTypeDef, QueryInputTypeDef


class StaleAccount(Exception):
    """The account changed since it was read (version mismatch), or is gone."""


class AccountExists(Exception):
    def __init__(self, existing: Account) -> None:
        super().__init__("account exists")
        self.existing = existing


class LinkUnusable(Exception):
    """The one-time link is unknown, used or expired."""


class AccountStore(TableStore):
    # -- accounts -------------------------------------------------------

    def get(self, email: str) -> Account | None:
        return self.get_by_key(email_key(email))

    def get_by_key(self, key: str) -> Account | None:
        response = self._client.get_item(
            TableName=self._table, Key=primary_key(account_pk_by_key(key), ACCOUNT_SK), ConsistentRead=True
        )
        item = response.get("Item")
        return Account.from_item(from_attrs(item)) if item else None

    def create(self, account: Account, link_expires: int) -> str:
        """A new account and its verification link (returned), or AccountExists with the one stored."""
        link_token = secrets.token_urlsafe(32)
        try:
            self._client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": to_attrs(account.to_item()),
                            "ConditionExpression": "attribute_not_exists(PK)",
                            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                        }
                    },
                    self._link_put("verify", link_token, account, link_expires),
                ]
            )
        except ClientError as error:
            if not is_cancelled(error):
                raise
            stored = old_item(error, 0)
            if cancellation_codes(error)[:1] == ["ConditionalCheckFailed"] and stored:
                raise AccountExists(Account.from_item(stored)) from error
            raise
        return link_token

    def save(self, account: Account, audit: AuditChange | None = None) -> None:
        """Write a changed account if nobody changed it since it was read; with its audit entry."""
        expected = account.version
        account.version += 1
        items: list[TransactItem] = [versioned_put(self._table, account.to_item(), expected)]
        if audit:
            items.append(audit_put(self._table, audit))
        try:
            self._client.transact_write_items(TransactItems=items)
        except ClientError as error:
            account.version = expected
            if is_refused(error):
                raise StaleAccount() from error
            raise

    def by_addresses(self, emails: list[str]) -> list[Account]:
        """The accounts of these addresses that exist: one BatchGetItem per 100."""
        keys = [primary_key(account_pk(email), ACCOUNT_SK) for email in emails]
        return [Account.from_item(item) for item in batch_get_all(self._client, self._table, keys)]

    def delete(self, account: Account) -> None:
        """Remove the account and its places in working groups, together, if it is as read."""
        items: list[TransactItem] = [
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": primary_key(account.pk, ACCOUNT_SK),
                    "ConditionExpression": "version = :v",
                    "ExpressionAttributeValues": to_attrs({":v": account.version}),
                }
            },
        ]
        for group in account.groups:
            key = primary_key(group_pk(group), member_sk(account.email))
            items.append({"Delete": {"TableName": self._table, "Key": key}})
        with refused_as(StaleAccount):
            self._client.transact_write_items(TransactItems=items)

    def of_status(self, status: str, limit: int, cursor: str | None) -> Page[Account]:
        """One page of the accounts with this status, newest first: one Query of GSI1 (the page says
        when there are more, so no account is hidden from the organisers)."""
        params = partition_query(self._table, "GSI1", accounts_index(status), newest_first=True)
        items, after = query_page(self._client, params, limit, cursor, scope=f"accounts#{status}")
        return Page([Account.from_item(item) for item in items], after)

    def subscriber_count(self) -> int:
        """How many take the newsletter: a COUNT Query of GSI2, which returns no items (one call per MB of index)."""
        params: QueryInputTypeDef = {
            "TableName": self._table,
            "IndexName": "GSI2",
            "KeyConditionExpression": "GSI2PK = :pk",
            "ExpressionAttributeValues": to_attrs({":pk": newsletter_index()}),
            "Select": "COUNT",
        }
        count = 0
        while True:
            response = self._client.query(**params)
            count += int(response["Count"])
            if "LastEvaluatedKey" not in response:
                return count
            params["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def subscribers(self) -> list[Account]:
        """Approved accounts that want the newsletter, by address; paginates."""
        items = of_partition(self._client, self._table, "GSI2", newsletter_index())
        return [Account.from_item(i) for i in items]

    def followers(self) -> list[Account]:
        """Approved accounts that follow a theme, by address: the sparse part of GSI3; paginates."""
        items = query_all(
            self._client,
            TableName=self._table,
            IndexName="GSI3",
            KeyConditionExpression="GSI1PK = :pk AND begins_with(GSI3SK, :follows)",
            ExpressionAttributeValues=to_attrs(
                {":pk": accounts_index(AccountStatus.APPROVED), ":follows": FOLLOWER_PREFIX}
            ),
        )
        return [Account.from_item(i) for i in items]

    def organisers(self) -> list[Account]:
        """Approved accounts with the organiser's role, by address: the approved partition of GSI1, read
        whole and filtered (organisers are few; the mail worker asks, never a request)."""
        params = partition_query(self._table, "GSI1", accounts_index(AccountStatus.APPROVED))
        params["FilterExpression"] = "#access = :organiser"
        params["ExpressionAttributeNames"] = {"#access": "access"}
        params["ExpressionAttributeValues"] = {
            **params["ExpressionAttributeValues"],
            **to_attrs({":organiser": Access.ORGANISER}),
        }
        return [Account.from_item(item) for item in query_all(self._client, **params)]

    # -- one-time links -------------------------------------------------

    def _link_put(self, purpose: str, token: str, account: Account, expires: int, next_path: str = "/") -> TransactItem:
        item = {
            "PK": link_pk(purpose, token),
            "SK": LINK_SK,
            "type": "link",
            "account": email_key(account.email),
            "next": next_path,
            "expires_at": expires,  # TTL removes it; the condition below does not wait for TTL
        }
        return {
            "Put": {"TableName": self._table, "Item": to_attrs(item), "ConditionExpression": "attribute_not_exists(PK)"}
        }

    def add_link(self, purpose: str, account: Account, expires: int, next_path: str = "/") -> str:
        token = secrets.token_urlsafe(32)
        self._client.transact_write_items(TransactItems=[self._link_put(purpose, token, account, expires, next_path)])
        return token

    def use_link(self, purpose: str, token: str, now: int) -> tuple[str, str]:
        """Mark the link used, once; return (account key, next path) or raise LinkUnusable."""
        with refused_as(LinkUnusable):
            response = self._client.update_item(
                TableName=self._table,
                Key=primary_key(link_pk(purpose, token), LINK_SK),
                UpdateExpression="SET used_at = :now",
                ConditionExpression="attribute_exists(PK) AND attribute_not_exists(used_at) AND expires_at > :now",
                ExpressionAttributeValues=to_attrs({":now": now}),
                ReturnValues="ALL_NEW",
            )
        link = from_attrs(response["Attributes"])
        return link["account"], link.get("next", "/")

    # -- sessions -------------------------------------------------------

    def link(self, purpose: str, token: str) -> Item | None:
        """A one-time link as stored (account, next, expires_at, used_at), or None."""
        response = self._client.get_item(
            TableName=self._table, Key=primary_key(link_pk(purpose, token), LINK_SK), ConsistentRead=True
        )
        item = response.get("Item")
        return from_attrs(item) if item else None

    def start_session(
        self, token: str, account: Account, session_key: str, created_at: str, expires: int, now: int
    ) -> None:
        """Use a sign-in link and start a session, in one transaction: the link only counts as used if the
        session exists, and only if the account is as read (LinkUnusable or StaleAccount otherwise)."""
        session = {
            "PK": account.pk,
            "SK": SESSION_PREFIX + session_key,
            "type": "session",
            "created_at": created_at,
            "epoch": account.session_epoch,
            "account_since": account.created_at.isoformat(),  # a re-created account is another account
            "expires_at": expires,  # TTL removes it; reading it checks the time itself
        }
        items: list[TransactItem] = [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": primary_key(link_pk("signin", token), LINK_SK),
                    "UpdateExpression": "SET used_at = :now",
                    "ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(used_at) AND expires_at > :now",
                    "ExpressionAttributeValues": to_attrs({":now": now}),
                }
            },
            {
                "ConditionCheck": {
                    "TableName": self._table,
                    "Key": primary_key(account.pk, ACCOUNT_SK),
                    "ConditionExpression": "version = :v",
                    "ExpressionAttributeValues": to_attrs({":v": account.version}),
                }
            },
            {"Put": {"TableName": self._table, "Item": to_attrs(session)}},
        ]
        try:
            self._client.transact_write_items(TransactItems=items)
        except ClientError as error:
            if not is_cancelled(error):
                raise
            if cancellation_codes(error)[0] == "ConditionalCheckFailed":
                raise LinkUnusable() from error
            raise StaleAccount() from error

    def with_session(self, account_key: str, session_key: str) -> tuple[Account | None, Item | None]:
        """An account and one of its sessions, in one BatchGetItem (consistent: a sign-out counts at once)."""
        pk = account_pk_by_key(account_key)
        keys = [primary_key(pk, ACCOUNT_SK), primary_key(pk, SESSION_PREFIX + session_key)]
        response = self._client.batch_get_item(RequestItems={self._table: {"Keys": keys, "ConsistentRead": True}})
        if response.get("UnprocessedKeys"):
            raise ServiceBusy()  # DynamoDB left part of the read undone: throttling
        items = [from_attrs(item) for item in response["Responses"].get(self._table, [])]
        account = next((Account.from_item(i) for i in items if i["SK"] == ACCOUNT_SK), None)
        session = next((i for i in items if i["SK"].startswith(SESSION_PREFIX)), None)
        return account, session

    def delete_session(self, account_key: str, session_key: str) -> None:
        self._client.delete_item(
            TableName=self._table, Key=primary_key(account_pk_by_key(account_key), SESSION_PREFIX + session_key)
        )

    def delete_sessions(self, account: Account) -> int:
        """Remove every session of an account (their epoch already ends them; this tidies up)."""
        found = with_prefix(self._client, self._table, account.pk, SESSION_PREFIX, projection="PK, SK")
        for item in found:
            self._client.delete_item(TableName=self._table, Key=primary_key(item["PK"], item["SK"]))
        return len(found)

    # -- trusted domains ------------------------------------------------

    def trusted_domains(self) -> list[str]:
        """The domains organisers added (the configured ones come from config)."""
        response = self._client.get_item(
            TableName=self._table, Key=primary_key(*trusted_domains_key()), ConsistentRead=True
        )
        return sorted(from_attrs(response.get("Item", {})).get("domains", []))

    def set_trusted_domains(self, before: list[str], after: list[str], audit: AuditChange) -> None:
        """Replace the list if it is still `before` (two organisers editing at once); StaleAccount if not."""
        condition = "attribute_not_exists(PK)" if not before else "domains = :before"
        put: PutTypeDef = {
            "TableName": self._table,
            "Item": {**primary_key(*trusted_domains_key()), **to_attrs({"type": "settings", "domains": after})},
            "ConditionExpression": condition,
        }
        if before:
            put["ExpressionAttributeValues"] = to_attrs({":before": before})
        with refused_as(StaleAccount):
            self._client.transact_write_items(TransactItems=[{"Put": put}, audit_put(self._table, audit)])


def account_store() -> AccountStore:
    """Accounts, one-time links, sessions and trusted domains in this process's table."""
    return AccountStore(aws.dynamodb(), config.table_name())
