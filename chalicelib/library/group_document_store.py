"""Repository for a working group's documents and their versions, in the group's partition.

Every write of a document expects the revision it read (StaleDocument otherwise), so that two
uploads at once never take the same version number and a publication never undoes a newer one.
"""

from __future__ import annotations

from chalicelib.audit.store import AuditChange, audit_put
from chalicelib.core import aws, config
from chalicelib.core.dynamo import (
    TableStore,
    TransactItem,
    from_attrs,
    new_put,
    primary_key,
    refused_as,
    to_attrs,
    with_prefix,
)
from chalicelib.core.keys import GROUP_SK, document_version_sk, group_document_sk, group_pk
from chalicelib.library.group_document_model import DocumentHistory, DocumentVersion, GroupDocument, histories


class StaleDocument(Exception):
    """The document changed since it was read (or the group or the document is gone)."""


class GroupDocumentStore(TableStore):
    def history(self, group: str, document_id: str) -> DocumentHistory | None:
        """A document with every version: one Query, consistent (a page after an upload shows it)."""
        items = with_prefix(self._client, self._table, group_pk(group), group_document_sk(document_id), consistent=True)
        found = [h for h in histories(items) if h.document.id == document_id]
        return found[0] if found else None

    def version(self, group: str, document_id: str, number: int) -> DocumentVersion | None:
        response = self._client.get_item(
            TableName=self._table, Key=primary_key(group_pk(group), document_version_sk(document_id, number))
        )
        item = response.get("Item")
        return DocumentVersion.from_item(from_attrs(item)) if item else None

    def create(self, document: GroupDocument, audit: AuditChange) -> None:
        """A new document, while its group exists (StaleDocument when it does not)."""
        group_exists: TransactItem = {
            "ConditionCheck": {
                "TableName": self._table,
                "Key": primary_key(group_pk(document.group), GROUP_SK),
                "ConditionExpression": "attribute_exists(PK)",
            }
        }
        put = new_put(self._table, document.to_item())
        with refused_as(StaleDocument):
            self._client.transact_write_items(TransactItems=[group_exists, put, audit_put(self._table, audit)])

    def add_version(self, document: GroupDocument, version: DocumentVersion, audit: AuditChange) -> None:
        """The document's next version (the caller set `latest` to its number), with its audit entry."""
        put = new_put(self._table, version.to_item(document.group))
        self._write(document, [put, audit_put(self._table, audit)])

    def save(self, document: GroupDocument, audit: AuditChange) -> None:
        """The document as changed (its publication), with its audit entry."""
        self._write(document, [audit_put(self._table, audit)])

    def _write(self, document: GroupDocument, others: list[TransactItem]) -> None:
        write = self.document_write(document)
        try:
            with refused_as(StaleDocument):
                self._client.transact_write_items(TransactItems=[write, *others])
        except Exception:
            document.revision -= 1
            raise

    def document_write(self, document: GroupDocument) -> TransactItem:
        """The document as changed, for a transaction: it holds only while nobody changed it since it
        was read. Takes the document to its next revision."""
        expected = document.revision
        document.revision += 1
        return {
            "Put": {
                "TableName": self._table,
                "Item": to_attrs(document.to_item()),
                "ConditionExpression": "revision = :r",
                "ExpressionAttributeValues": to_attrs({":r": expected}),
            }
        }


def group_document_store() -> GroupDocumentStore:
    """Group documents in this process's table."""
    return GroupDocumentStore(aws.dynamodb(), config.table_name())
