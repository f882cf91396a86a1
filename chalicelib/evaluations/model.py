"""A meeting's evaluation: anonymous answers and the results organisers see.

Key layout (single table; see docs/data-model.md):
  EVAL#{slug} / RESULTS           the figures: how many answered, and per item how often each rating
  EVAL#{slug} / ANSWER#{random}   one answer: ratings and remarks, with nothing that names who gave it
A registration that answered carries `evaluated` (written in the same transaction), so that it
answers once; nothing in the table links it to its answer, and organisers see the ratings and
remarks only once the evaluation is closed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from chalicelib.core.dynamo import Item
from chalicelib.core.entity import attributes, from_attributes
from chalicelib.core.fields import kept_out
from chalicelib.core.keys import ANSWER_PREFIX, evaluation_pk
from chalicelib.core.vocabulary import words

if TYPE_CHECKING:
    from chalicelib.events.model import Event

RATINGS = (1, 2, 3, 4, 5)
OPEN_DAYS = 14  # the evaluation closes this long after its mail went out
MEETING = "meeting"  # the rating of the meeting as a whole; a programme item's is "slot{position}"
REMARKS_MAX = 2000


class FormState(StrEnum):
    """Whether the person behind a personal link can answer now."""

    OPEN = "open"
    NOT_YET = "not_yet"  # the evaluation has not been sent
    CLOSED = "closed"
    ANSWERED = "answered"
    NOT_ATTENDING = "not_attending"  # a cancelled registration or a place on the waiting list


words(FormState)


def slot_item(position: int) -> str:
    return f"slot{position}"


def closes_at(opened_at: datetime) -> datetime:
    return opened_at + timedelta(days=OPEN_DAYS)


def closing(event: Event) -> datetime | None:
    """When the event's evaluation closes (closed): OPEN_DAYS after it opened, or when an organiser
    closed it; None while it has not opened."""
    if event.evaluation_opened_at is None:
        return None
    ends = closes_at(event.evaluation_opened_at)
    return min(ends, event.evaluation_closed_at) if event.evaluation_closed_at else ends


@dataclass(frozen=True)
class Answer:
    """One person's evaluation: a rating (1-5) per item they rated, and what they wanted to say."""

    id: str = field(metadata=kept_out)  # random, in the key
    ratings: dict[str, int] = field(default_factory=dict)
    remarks: str = ""

    def to_item(self, slug: str) -> Item:
        return {
            "PK": evaluation_pk(slug),
            "SK": ANSWER_PREFIX + self.id,
            "type": "evaluation_answer",
            **attributes(self),
        }

    @classmethod
    def from_item(cls, item: Item) -> Answer:
        return from_attributes(cls, dict(item), id=item["SK"].removeprefix(ANSWER_PREFIX))

    def figures(self) -> dict[str, int]:
        """What this answer adds to the results item."""
        added = {"answers": 1}
        for item, rating in self.ratings.items():
            added[f"r#{item}#{rating}"] = 1
        return added


@dataclass(frozen=True)
class ItemResult:
    """The ratings of one item: how many gave each, and their mean."""

    item: str
    title: str
    counts: tuple[int, ...]  # per rating, 1 to 5

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def mean(self) -> float | None:
        if not self.total:
            return None
        return sum(rating * count for rating, count in zip(RATINGS, self.counts, strict=True)) / self.total

    @property
    def most(self) -> int:
        return max(self.counts) or 1


@dataclass(frozen=True)
class Results:
    """What organisers see. While answers can still come in, only their number: a new answer showing
    up beside one person's "answered" would tell whose it is."""

    event: Event
    answers: int
    closes: datetime | None
    visible: bool  # closed: the ratings and remarks are shown
    items: list[ItemResult]
    remarks: list[str]


def item_results(figures: Item, titles: list[tuple[str, str]]) -> list[ItemResult]:
    """Per item (in the order given, with its title), the counts of each rating from the results item."""
    return [
        ItemResult(item, title, tuple(int(figures.get(f"r#{item}#{rating}", 0)) for rating in RATINGS))
        for item, title in titles
    ]
