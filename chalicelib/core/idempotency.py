"""One-time keys for writes that may arrive twice: a double click, a browser that sends a POST again
after a network error, an API client that retries after a 503 although the write had gone through.

The first request with a key records it (`IDEM#…`) in the same DynamoDB transaction as its write, on
the condition that the key is new; a repeat fails that condition and gets the record back with the
failure (ReturnValuesOnConditionCheckFailure), so the first request pays no extra read. The record
holds a hash of what was submitted, so the same key with other content is refused (KeyReused) rather
than answered with a result that may be someone else's, and the state of the one mail the write sends:
the request that holds the claim sends it and settles it; a repeat sends it only when no live request
holds it (the claim was given up after a fault, or is older than any web request lives) or when it
failed. Records expire after a day (TTL on `expires_at`; one past it counts as absent before DynamoDB
removes it).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, cast

from botocore.exceptions import ClientError

from chalicelib.core import aws, config, faults
from chalicelib.core.dynamo import (
    Item,
    TableStore,
    TransactItem,
    applied,
    cancellation_codes,
    from_attrs,
    is_condition_failed,
    old_item,
    primary_key,
    to_attrs,
)
from chalicelib.core.errors import BadRequest, KeyReused
from chalicelib.core.i18n import _
from chalicelib.core.keys import IDEMPOTENCY_SK, hashed, idempotency_pk

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

log = logging.getLogger(__name__)

FIELD = "idempotency_key"  # a form's hidden field
HEADER = "Idempotency-Key"  # the API's request header
KEPT = timedelta(hours=24)
# longer than a web request may run (lambda_timeout, 15 s, in .chalice/config.json): a claim this old
# has no request behind it any more
LEASE = timedelta(seconds=30)
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, as a header can carry it
_NEW = "attribute_not_exists(PK) OR expires_at < :now"


class Mail(StrEnum):
    """The one mail a keyed write sends."""

    PENDING = "pending"  # held by the request named in `claim`; without a claim: given up, free to take over
    SENT = "sent"
    FAILED = "failed"


def new_key() -> str:
    """A form's one-time value: unguessable, so that nobody can send (or read the answer to) another's form."""
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Keyed:
    """One request's key in its scope, a hash of what it submitted, and its own claim on the mail."""

    pk: str
    fingerprint: str
    claim: str = field(default_factory=lambda: secrets.token_hex(8))


def keyed(scope: str, key: str, submitted: Mapping[str, object]) -> Keyed | None:
    """The request's key within `scope` (the operation and what it acts on), or None when it sent none:
    such a request is carried out as it always was. BadRequest for a key that is no key."""
    if not key:
        return None
    if not _KEY.match(key):
        raise BadRequest(_("Een Idempotency-Key bestaat uit 1 tot 255 zichtbare ASCII-tekens."))
    content = json.dumps(submitted, sort_keys=True, ensure_ascii=False)
    return Keyed(idempotency_pk(scope, key), hashlib.sha256(content.encode()).hexdigest())


def derived_id(scope: str, key: str) -> str:
    """An id for what a keyed request creates (a mail job), the same for every repeat of it: creating it
    twice then fails on the id. Without a key, a new random id. The shape of `secrets.token_hex(8)`."""
    if not key:
        return secrets.token_hex(8)
    if not _KEY.match(key):
        raise BadRequest(_("Een Idempotency-Key bestaat uit 1 tot 255 zichtbare ASCII-tekens."))
    return hashed(f"{scope}\n{key}")[:16]


@dataclass(frozen=True)
class Record:
    """What the first request with a key recorded."""

    fingerprint: str
    outcome: str  # what the first request did, in its operation's words (for a registration, the mail it sends)
    mail: Mail
    claim: str  # the request holding the mail, while it is pending
    claimed_at: datetime | None

    @classmethod
    def from_item(cls, item: Item) -> Record:
        claimed_at = item.get("claimed_at")
        return cls(
            item["fingerprint"],
            item["outcome"],
            Mail(item["mail"]),
            item.get("claim", ""),
            datetime.fromisoformat(claimed_at) if claimed_at else None,
        )

    def answers(self, request: Keyed) -> None:
        """KeyReused unless `request` submitted what the first one did."""
        if request.fingerprint != self.fingerprint:
            raise KeyReused()

    def in_hand(self, now: datetime) -> bool:
        """A live request holds the mail: it sends and settles it, nobody else may."""
        held = self.mail == Mail.PENDING and bool(self.claim)
        return held and self.claimed_at is not None and self.claimed_at > now - LEASE


class Repeated(Exception):
    """The request's key was recorded already, by an earlier request with the same key."""

    def __init__(self, record: Record) -> None:
        super().__init__("the key was used before")
        self.record = record


def _item(request: Keyed, outcome: str, mail: Mail, now: datetime) -> Item:
    return {
        "PK": request.pk,
        "SK": IDEMPOTENCY_SK,
        "type": "idempotency",
        "fingerprint": request.fingerprint,
        "outcome": outcome,
        "mail": mail,
        "claim": request.claim,
        "claimed_at": now.isoformat(),
        "expires_at": int((now + KEPT).timestamp()),
    }


def record_put(table: str, request: Keyed, outcome: str, mail: Mail, now: datetime) -> TransactItem:
    """The key's record, for the transaction of the write it guards; its failure brings back the record
    found (`repeated_in`)."""
    return {
        "Put": {
            "TableName": table,
            "Item": to_attrs(_item(request, outcome, mail, now)),
            "ConditionExpression": _NEW,
            "ExpressionAttributeValues": to_attrs({":now": int(now.timestamp())}),
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
    }


def repeated_in(error: ClientError, index: int) -> Repeated | None:
    """The signal for a repeat when write `index` of this cancelled transaction was the key's record
    and found one; None when that write was not refused."""
    codes = cancellation_codes(error)
    if index >= len(codes) or codes[index] != "ConditionalCheckFailed":
        return None
    found = old_item(error, index)
    return Repeated(Record.from_item(found)) if found else None


class KeyStore(TableStore):
    def get(self, request: Keyed, now: datetime) -> Record | None:
        """The key's record, if it has one that has not expired."""
        response = self._client.get_item(
            TableName=self._table, Key=primary_key(request.pk, IDEMPOTENCY_SK), ConsistentRead=True
        )
        item = from_attrs(response.get("Item", {}))
        return Record.from_item(item) if item and item["expires_at"] >= int(now.timestamp()) else None

    def record(self, request: Keyed, outcome: str, mail: Mail, now: datetime) -> Record | None:
        """Record the key on its own, for a request that writes nothing else: None when it was new, else
        the record found. An UpdateItem, the kind of call `settle` makes, so that either path of a
        request makes the same calls."""
        item = _item(request, outcome, mail, now)
        values = {f":{name}": value for name, value in item.items() if name not in ("PK", "SK")}
        try:
            self._client.update_item(
                TableName=self._table,
                Key=primary_key(request.pk, IDEMPOTENCY_SK),
                UpdateExpression="SET " + ", ".join(f"#{name[1:]} = {name}" for name in values),
                ConditionExpression="attribute_not_exists(PK) OR #expires_at < :now",
                ExpressionAttributeNames={f"#{name[1:]}": name[1:] for name in values},
                ExpressionAttributeValues=to_attrs({**values, ":now": int(now.timestamp())}),
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if not is_condition_failed(error):
                raise
            # DynamoDB sends the item found with the failure; the stubs know no Item on an error response
            found = from_attrs(cast("Mapping[str, AttributeValueTypeDef]", error.response.get("Item", {})))
            return Record.from_item(found) if found else self.get(request, now)
        return None

    def take_over(self, request: Keyed, now: datetime) -> bool:
        """Claim a mail that no live request holds (given up, failed, or its claim expired) for this
        request; False when another took it first or it was sent."""
        return applied(
            lambda: self._client.update_item(
                TableName=self._table,
                Key=primary_key(request.pk, IDEMPOTENCY_SK),
                UpdateExpression="SET #mail = :pending, claim = :claim, claimed_at = :at",
                # `claim = :claim`: this very request took it already (botocore sent the write again after its
                # answer was lost), so it is still this request's to send
                ConditionExpression=(
                    "#mail <> :sent AND (attribute_not_exists(claim) OR claimed_at < :lease_start OR claim = :claim)"
                ),
                ExpressionAttributeNames={"#mail": "mail"},
                ExpressionAttributeValues=to_attrs(
                    {
                        ":pending": Mail.PENDING,
                        ":sent": Mail.SENT,
                        ":claim": request.claim,
                        ":at": now.isoformat(),
                        ":lease_start": (now - LEASE).isoformat(),
                    }
                ),
            )
        )

    def settle(self, request: Keyed, mail: Mail) -> None:
        """Note how the mail this request holds went. A fault here leaves the answer as it is (the write
        and the mail are done): a repeat after the lease then sends the mail once more."""
        remove = " REMOVE claim" if mail == Mail.FAILED else ""
        self._quietly(
            "settle",
            lambda: self._client.update_item(
                TableName=self._table,
                Key=primary_key(request.pk, IDEMPOTENCY_SK),
                UpdateExpression="SET #mail = :mail" + remove,
                ConditionExpression="claim = :claim",
                ExpressionAttributeNames={"#mail": "mail"},
                ExpressionAttributeValues=to_attrs({":mail": mail, ":claim": request.claim}),
            ),
        )

    def give_up(self, request: Keyed) -> None:
        """After a fault in the write it guards, which may have gone through: let a retry take over the
        mail at once instead of after the lease. Nothing happens when the key was not recorded."""
        self._quietly(
            "give up",
            lambda: self._client.update_item(
                TableName=self._table,
                Key=primary_key(request.pk, IDEMPOTENCY_SK),
                UpdateExpression="REMOVE claim",
                ConditionExpression="claim = :claim",
                ExpressionAttributeValues=to_attrs({":claim": request.claim}),
            ),
        )

    @staticmethod
    def _quietly(step: str, write: Callable[[], object]) -> None:
        """A bookkeeping write whose fault must not change the answer (the lease covers it)."""
        try:
            applied(write)
        except Exception as error:
            if not faults.is_aws_error(error):
                raise
            log.warning("idempotency record not updated", extra={"step": step})


@contextmanager
def given_up_on_fault(request: Keyed | None) -> Iterator[None]:
    """Around the write a key guards: after an AWS fault, which may come when the write went through,
    the claim on its mail is given up (`KeyStore.give_up`), so that a retry need not wait out the lease."""
    try:
        yield
    except Exception as error:
        if request and faults.is_aws_error(error):
            key_store().give_up(request)
        raise


def key_store() -> KeyStore:
    """One-time keys in this process's table."""
    return KeyStore(aws.dynamodb(), config.table_name())
