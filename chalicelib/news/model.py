"""A news article, and its DynamoDB item."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.core.dynamo import Item
from chalicelib.core.entity import attributes, from_attributes
from chalicelib.core.fields import kept_out
from chalicelib.core.keys import NEWS_SK, news_index, news_pk, news_slug_of


@dataclass
class Article:
    """A news article; visible from its publish moment on."""

    slug: str = field(metadata=kept_out)  # in the key
    title: str
    body: str  # Markdown, rendered and sanitised when shown
    published_at: datetime
    author: str
    updated_at: datetime

    def to_item(self) -> Item:
        return {
            "PK": news_pk(self.slug),
            "SK": NEWS_SK,
            "type": "article",
            **attributes(self),
            # every article, newest first; the publish moment decides visibility when read
            "GSI1PK": news_index(),
            "GSI1SK": f"{self.published_at.isoformat()}#{self.slug}",
        }

    @classmethod
    def from_item(cls, item: Item) -> Article:
        return from_attributes(cls, item, slug=news_slug_of(item["PK"]))
