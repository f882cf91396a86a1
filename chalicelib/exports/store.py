"""Repository for exports. Receives its table name and client."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.audit.store import AuditChange, audit_put
from chalicelib.core import aws, config
from chalicelib.core.dynamo import TableStore, applied, from_attrs, primary_key, to_attrs
from chalicelib.core.keys import EXPORT_SK, export_pk
from chalicelib.exports.model import Export, ExportStatus

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import PutTypeDef


class ExportStore(TableStore):
    def create(self, export: Export, audit: AuditChange) -> None:
        """The export and its audit entry, in one transaction."""
        put: PutTypeDef = {
            "TableName": self._table,
            "Item": to_attrs(export.to_item()),
            "ConditionExpression": "attribute_not_exists(PK)",
        }
        self._client.transact_write_items(TransactItems=[{"Put": put}, audit_put(self._table, audit)])

    def get(self, export_id: str) -> Export | None:
        response = self._client.get_item(
            TableName=self._table, Key=primary_key(export_pk(export_id), EXPORT_SK), ConsistentRead=True
        )
        item = response.get("Item")
        return Export.from_item(from_attrs(item)) if item else None

    def finish(self, export_id: str, rows: int, at: datetime) -> None:
        """The file is in the bucket; a redelivered message that built it again finds it finished."""
        applied(
            lambda: self._client.update_item(
                TableName=self._table,
                Key=primary_key(export_pk(export_id), EXPORT_SK),
                UpdateExpression="SET #status = :done, #rows = :rows, finished_at = :at",
                ConditionExpression="#status = :queued",
                # both are DynamoDB reserved words
                ExpressionAttributeNames={"#status": "status", "#rows": "rows"},
                ExpressionAttributeValues=to_attrs(
                    {":done": ExportStatus.DONE, ":queued": ExportStatus.QUEUED, ":rows": rows, ":at": at.isoformat()}
                ),
            )
        )


def export_store() -> ExportStore:
    """Exports in this process's table."""
    return ExportStore(aws.dynamodb(), config.table_name())
