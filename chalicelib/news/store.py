"""Repository for news articles."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from chalicelib.core.dynamo import from_attrs, primary_key, query_all, to_attrs
from chalicelib.news.model import NEWS_SK, Article


class SlugTaken(Exception):
    pass


class NewsStore:
    def __init__(self, client: Any, table: str) -> None:
        self._client = client
        self._table = table

    def get(self, slug: str) -> Article | None:
        response = self._client.get_item(TableName=self._table, Key=primary_key(f"NEWS#{slug}", NEWS_SK))
        return Article.from_item(from_attrs(response["Item"])) if "Item" in response else None

    def all(self) -> list[Article]:
        """Every article, newest publish moment first (GSI1 'NEWS'); paginates."""
        items = query_all(
            self._client,
            TableName=self._table,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues=to_attrs({":pk": "NEWS"}),
            ScanIndexForward=False,
        )
        return [Article.from_item(i) for i in items]

    def save(self, article: Article, audit: dict[str, Any], new: bool) -> None:
        """Write the article with its audit entry; a new one may not take an existing slug."""
        put: dict[str, Any] = {"TableName": self._table, "Item": to_attrs(article.to_item())}
        if new:
            put["ConditionExpression"] = "attribute_not_exists(PK)"
        try:
            self._client.transact_write_items(
                TransactItems=[{"Put": put}, {"Put": {"TableName": self._table, "Item": to_attrs(audit)}}]
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "TransactionCanceledException":
                raise SlugTaken() from error
            raise

    def delete(self, slug: str, audit: dict[str, Any]) -> None:
        self._client.transact_write_items(
            TransactItems=[
                {"Delete": {"TableName": self._table, "Key": primary_key(f"NEWS#{slug}", NEWS_SK)}},
                {"Put": {"TableName": self._table, "Item": to_attrs(audit)}},
            ]
        )
