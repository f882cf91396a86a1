"""Repository for mail jobs and their recipients' marks. Receives its table name and client.

A recipient is claimed with a conditional write before its mail goes to SES and
marked sent or failed afterwards, so a redelivered queue message never mails a
settled recipient again. A mark still claimed when the message comes back belongs
to a send whose outcome is unknown (a timeout after the request left, a crash): it
is claimed again, the event counted on the mark, and sent once more. The job's
counters are added once per batch, from the batch's marks and conditional on the
batch number, so they equal the marks however often a batch is delivered. (One
transaction per recipient would say the same, but costs twice the writes.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING

from chalicelib.audit.store import AuditChange, audit_put
from chalicelib.core import aws, config
from chalicelib.core.dynamo import (
    TableStore,
    applied,
    batch_get_all,
    from_attrs,
    partition_query,
    primary_key,
    refused_as,
    to_attrs,
)
from chalicelib.core.keys import FAILED_PREFIX, JOB_SK, RECIPIENT_PREFIX, job_pk, jobs_index
from chalicelib.mail.model import Failure, JobStatus, MailJob, RecipientState

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import PutTypeDef, QueryInputTypeDef

FAILURES_SHOWN = 200
# the states a recipient ends in, each with its counter on the job
SETTLED = (RecipientState.SENT, RecipientState.FAILED, RecipientState.SKIPPED)


class JobExists(Exception):
    """A job with this id was recorded already (a scheduled run that ran twice)."""


class Claim(Enum):
    """Why this delivery may mail a recipient."""

    FIRST = "first"  # nobody claimed them before
    AGAIN = "again"  # an earlier send's outcome is unknown: this one is the single copy more


@dataclass(frozen=True)
class Mark:
    """Where a recipient of a batch stands, and how many of their sends had an unknown outcome."""

    state: RecipientState
    unknown: int = 0


class JobStore(TableStore):
    def create(self, job: MailJob, audit: AuditChange) -> None:
        """The job and its audit entry, in one transaction; JobExists if the id is taken."""
        put: PutTypeDef = {
            "TableName": self._table,
            "Item": to_attrs(job.to_item()),
            "ConditionExpression": "attribute_not_exists(PK)",
        }
        with refused_as(JobExists):
            self._client.transact_write_items(TransactItems=[{"Put": put}, audit_put(self._table, audit)])

    def get(self, job_id: str) -> MailJob | None:
        response = self._client.get_item(
            TableName=self._table, Key=primary_key(job_pk(job_id), JOB_SK), ConsistentRead=True
        )
        item = response.get("Item")
        return MailJob.from_item(from_attrs(item)) if item else None

    def recent(self, limit: int) -> list[MailJob]:
        """The newest jobs first: one Query of GSI1."""
        request: QueryInputTypeDef = {
            **partition_query(self._table, "GSI1", jobs_index(), newest_first=True),
            "Limit": limit,
        }
        response = self._client.query(**request)
        return [MailJob.from_item(from_attrs(item)) for item in response["Items"]]

    def start_sending(self, job_id: str, total: int) -> None:
        """Record how many recipients were found; the first time only (a redelivered message finds it set)."""
        applied(
            lambda: self._client.update_item(
                TableName=self._table,
                Key=primary_key(job_pk(job_id), JOB_SK),
                UpdateExpression="SET #status = :sending, #total = :total",
                ConditionExpression="#status = :queued",
                # both are DynamoDB reserved words
                ExpressionAttributeNames={"#status": "status", "#total": "total"},
                ExpressionAttributeValues=to_attrs(
                    {":sending": JobStatus.SENDING, ":queued": JobStatus.QUEUED, ":total": total}
                ),
            )
        )

    def claim(self, job_id: str, key: str, at: datetime) -> Claim | None:
        """Whether this delivery may mail the recipient: FIRST, AGAIN when an earlier claim was never
        settled (its send's outcome is unknown; counted on the mark), None when they are settled.
        Deliveries of a job's messages never overlap (the worker runs one at a time), so a claim found
        here is a dead one."""
        if self._first_mark(job_id, key, {"state": RecipientState.CLAIMED, "claimed_at": at.isoformat()}):
            return Claim.FIRST
        claimed_again = applied(
            lambda: self._client.update_item(
                TableName=self._table,
                Key=primary_key(job_pk(job_id), RECIPIENT_PREFIX + key),
                UpdateExpression="SET claimed_at = :at ADD unknown_outcomes :one",
                ConditionExpression="#state = :claimed",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues=to_attrs(
                    {":at": at.isoformat(), ":one": 1, ":claimed": RecipientState.CLAIMED}
                ),
            )
        )
        return Claim.AGAIN if claimed_again else None

    def skip(self, job_id: str, key: str, at: datetime) -> None:
        """Mark a suppressed recipient as skipped, unless an earlier delivery already settled them. One
        still claimed (a send whose outcome is unknown, bounced since) is settled as skipped too: left
        claimed, they would keep their batch from ever finishing."""
        if not self._first_mark(job_id, key, {"state": RecipientState.SKIPPED, "settled_at": at.isoformat()}):
            self._settle(job_id, key, RecipientState.SKIPPED, at)

    def _first_mark(self, job_id: str, key: str, mark: dict[str, str]) -> bool:
        """Put a recipient's mark if they have none yet; False if they had one."""
        return applied(
            lambda: self._client.put_item(
                TableName=self._table,
                Item=to_attrs({"PK": job_pk(job_id), "SK": RECIPIENT_PREFIX + key, **mark}),
                ConditionExpression="attribute_not_exists(PK)",
            )
        )

    def release(self, job_id: str, key: str, again: bool) -> None:
        """Give a claimed recipient back: SES did not take the mail, a later delivery sends it. A claim
        taken AGAIN stays (its earlier send's outcome is still unknown) with its count taken back, as
        this try sent nothing. Like the marks below, a refused condition is the answer to a write that
        went through already (botocore tried again after its answer was lost): done, not an error."""
        key_attrs = primary_key(job_pk(job_id), RECIPIENT_PREFIX + key)
        claimed = to_attrs({":claimed": RecipientState.CLAIMED, ":minus_one": -1})
        if again:
            applied(
                lambda: self._client.update_item(
                    TableName=self._table,
                    Key=key_attrs,
                    UpdateExpression="ADD unknown_outcomes :minus_one",
                    ConditionExpression="#state = :claimed",
                    ExpressionAttributeNames={"#state": "state"},
                    ExpressionAttributeValues=claimed,
                )
            )
            return
        applied(
            lambda: self._client.delete_item(
                TableName=self._table,
                Key=key_attrs,
                ConditionExpression="#state = :claimed",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={":claimed": claimed[":claimed"]},
            )
        )

    def mark_skipped(self, job_id: str, key: str, at: datetime) -> None:
        """A claimed recipient the job had nothing for after all (a digest)."""
        self._settle(job_id, key, RecipientState.SKIPPED, at)

    def mark_sent(self, job_id: str, key: str, at: datetime) -> None:
        self._settle(job_id, key, RecipientState.SENT, at)

    def mark_failed(self, job_id: str, key: str, email: str, code: str, at: datetime) -> None:
        """The failure with its SES code first (for the job page), then the recipient's mark."""
        failure = {"PK": job_pk(job_id), "SK": FAILED_PREFIX + key, "email": email, "code": code, "at": at.isoformat()}
        applied(
            lambda: self._client.put_item(
                TableName=self._table, Item=to_attrs(failure), ConditionExpression="attribute_not_exists(PK)"
            )
        )
        self._settle(job_id, key, RecipientState.FAILED, at)

    def _settle(self, job_id: str, key: str, state: RecipientState, at: datetime) -> None:
        """Settle a claimed recipient; a mark settled already is this write's own, retried by botocore
        after its answer was lost (deliveries of a job's messages never overlap)."""
        applied(
            lambda: self._client.update_item(
                TableName=self._table,
                Key=primary_key(job_pk(job_id), RECIPIENT_PREFIX + key),
                UpdateExpression="SET #state = :state, settled_at = :at",
                ConditionExpression="#state = :claimed",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues=to_attrs(
                    {":state": state, ":claimed": RecipientState.CLAIMED, ":at": at.isoformat()}
                ),
            )
        )

    def marks(self, job_id: str, keys: list[str]) -> dict[str, Mark]:
        """The marks of a batch's recipients (one BatchGetItem); a recipient without a mark is left out."""
        wanted = [primary_key(job_pk(job_id), RECIPIENT_PREFIX + key) for key in dict.fromkeys(keys)]
        found = batch_get_all(
            self._client,
            self._table,
            wanted,
            ConsistentRead=True,
            ProjectionExpression="SK, #state, unknown_outcomes",
            ExpressionAttributeNames={"#state": "state"},
        )
        return {
            item["SK"].removeprefix(RECIPIENT_PREFIX): Mark(
                RecipientState(item["state"]), int(item.get("unknown_outcomes", 0))
            )
            for item in found
        }

    def count_batch(self, job_id: str, batch: int, counts: Mapping[RecipientState, int], resent: int) -> None:
        """Add a finished batch's figures to the job, once: a redelivered batch finds itself counted.
        `resent`: the copies sent again after an unknown outcome."""
        figures = {state: counts.get(state, 0) for state in SETTLED}
        applied(
            lambda: self._client.update_item(
                TableName=self._table,
                Key=primary_key(job_pk(job_id), JOB_SK),
                UpdateExpression="ADD sent :sent, failed :failed, skipped :skipped, resent :resent, counted :batch",
                ConditionExpression="NOT contains(counted, :number)",
                ExpressionAttributeValues=to_attrs(
                    {
                        **{f":{state}": n for state, n in figures.items()},
                        ":resent": resent,
                        ":batch": {batch},
                        ":number": batch,
                    }
                ),
            )
        )

    def finish(self, job_id: str) -> bool:
        """Mark the job done once every recipient is settled; True if this call did it."""
        job = self.get(job_id)
        if job is None or job.status != JobStatus.SENDING or job.done < job.total:
            return False
        return applied(
            lambda: self._client.update_item(
                TableName=self._table,
                Key=primary_key(job_pk(job_id), JOB_SK),
                UpdateExpression="SET #status = :done",
                ConditionExpression="#status = :sending",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=to_attrs({":done": JobStatus.DONE, ":sending": JobStatus.SENDING}),
            )
        )

    def failures(self, job_id: str) -> list[Failure]:
        """The recipients that failed for good, with their SES error code (the first 200)."""
        response = self._client.query(
            TableName=self._table,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :failed)",
            ExpressionAttributeValues=to_attrs({":pk": job_pk(job_id), ":failed": FAILED_PREFIX}),
            Limit=FAILURES_SHOWN,
        )
        items = [from_attrs(item) for item in response["Items"]]
        return [Failure(i["email"], i["code"], datetime.fromisoformat(i["at"])) for i in items]


def job_store() -> JobStore:
    """Mail jobs and their recipients' marks in this process's table."""
    return JobStore(aws.dynamodb(), config.table_name())
