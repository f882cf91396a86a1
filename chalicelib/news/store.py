"""Repository for news articles."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.audit.store import AuditChange, audit_put
from chalicelib.core import aws, config
from chalicelib.core.config import TIMEZONE
from chalicelib.core.dynamo import TableStore, from_attrs, primary_key, refused_as, to_attrs
from chalicelib.core.keys import NEWS_SK, news_index, news_pk
from chalicelib.core.paging import Page, query_page
from chalicelib.news.model import Article

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import PutTypeDef, QueryInputTypeDef


class SlugTaken(Exception):
    pass


class NewsStore(TableStore):
    def get(self, slug: str) -> Article | None:
        response = self._client.get_item(TableName=self._table, Key=primary_key(news_pk(slug), NEWS_SK))
        return Article.from_item(from_attrs(response["Item"])) if "Item" in response else None

    def newest(self, until: datetime | None, limit: int, cursor: str | None) -> Page[Article]:
        """One page of articles, newest publish moment first (GSI1 'NEWS'); with `until`, only those
        published by then (the key starts with the moment, so DynamoDB leaves the others out)."""
        condition = "GSI1PK = :pk" + (" AND GSI1SK <= :until" if until else "")
        # '~' sorts after the '#' that follows the moment: an article published at `until` is included
        values = {":pk": news_index(), **({":until": f"{until.astimezone(TIMEZONE).isoformat()}~"} if until else {})}
        params: QueryInputTypeDef = {
            "TableName": self._table,
            "IndexName": "GSI1",
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": to_attrs(values),
            "ScanIndexForward": False,
        }
        items, after = query_page(self._client, params, limit, cursor, scope=f"news#{bool(until)}")
        return Page([Article.from_item(item) for item in items], after)

    def save(self, article: Article, audit: AuditChange, new: bool) -> None:
        """Write the article with its audit entry; a new one may not take an existing slug."""
        put: PutTypeDef = {"TableName": self._table, "Item": to_attrs(article.to_item())}
        if new:
            put["ConditionExpression"] = "attribute_not_exists(PK)"
        with refused_as(SlugTaken):
            self._client.transact_write_items(TransactItems=[{"Put": put}, audit_put(self._table, audit)])

    def delete(self, slug: str, audit: AuditChange) -> None:
        self._client.transact_write_items(
            TransactItems=[
                {"Delete": {"TableName": self._table, "Key": primary_key(news_pk(slug), NEWS_SK)}},
                audit_put(self._table, audit),
            ]
        )


def news_store() -> NewsStore:
    """News articles in this process's table."""
    return NewsStore(aws.dynamodb(), config.table_name())
