"""Round-trips of a group document and its versions through DynamoDB's types (Hypothesis; no AWS),
and the history read back from a group's items, whatever order they come in."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core.dynamo import from_attrs, to_attrs
from chalicelib.library.group_document_model import DocumentVersion, GroupDocument, histories
from chalicelib.library.model import FileType, MaterialAccess

SURROGATES: tuple[Literal["Cs"]] = ("Cs",)
text = st.text(st.characters(blacklist_categories=SURROGATES), min_size=1, max_size=40)
groups = st.from_regex(r"[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,2}", fullmatch=True).filter(lambda n: len(n) >= 2)
ids = st.from_regex(r"[0-9a-f]{12}", fullmatch=True)
moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC))


def stored(item: dict) -> dict:
    return from_attrs(to_attrs(item))


@given(group=groups, document_id=ids, title=text, made=moments, latest=st.integers(0, 999), published=st.booleans())
def test_a_document_survives_dynamodb_types(group, document_id, title, made, latest, published):
    document = GroupDocument(group, document_id, title, made, "lid@dordrecht.nl", latest=latest, revision=latest)
    if published:
        document.published_version, document.material_id = latest, "_.0123456789ab"
        document.published_access, document.published_at = MaterialAccess.PUBLIC, made
    assert GroupDocument.from_item(stored(document.to_item())) == document


@given(document_id=ids, numbers=st.sets(st.integers(1, 999), min_size=1, max_size=12), name=text, made=moments)
def test_versions_come_back_newest_first_whatever_order_they_are_read_in(document_id, numbers, name, made):
    document = GroupDocument("drivergroep", document_id, "Handreiking", made, "lid@dordrecht.nl", latest=max(numbers))
    versions = [
        DocumentVersion(document_id, n, f"n/x/groups/{n}", "v", 10, "a.pdf", FileType.PDF, made, "a@b.nl", name)
        for n in numbers
    ]
    items = [stored(v.to_item("drivergroep")) for v in versions] + [stored(document.to_item())]
    [history] = histories(list(reversed(sorted(items, key=lambda i: i["SK"]))))
    assert history.document == document
    assert [v.number for v in history.versions] == sorted(numbers, reverse=True)
    assert history.versions == sorted(versions, key=lambda v: -v.number)
    # the sort key sorts versions by number, as a Query returns them
    assert sorted(v.to_item("drivergroep")["SK"] for v in versions) == [
        v.to_item("drivergroep")["SK"] for v in sorted(versions, key=lambda v: v.number)
    ]
