"""The bucket's lifecycle rules match the keys the portal writes: a rule names a prefix, and a key
that begins with its network instead (`n/{network}/…`) would never be expired."""

from __future__ import annotations

from chalicelib.core import aws, config
from chalicelib.core.object_keys import export_object, search_index_object, text_object


def rules() -> dict[str, str]:
    """Each rule's id by its prefix, as the bucket holds them (made from infra/resources.json)."""
    found = aws.s3().get_bucket_lifecycle_configuration(Bucket=config.bucket_name())["Rules"]
    return {rule["Filter"]["Prefix"]: rule["ID"] for rule in found}


def expired_by(key: str) -> list[str]:
    return [rule for prefix, rule in rules().items() if key.startswith(prefix)]


def test_old_versions_of_the_index_and_the_texts_and_exports_are_expired_in_every_network(moto):
    assert expired_by(search_index_object()) == ["SearchIndexVersions"]
    assert expired_by(text_object("_.abc", "documents/x", "v1")) == ["ExtractedTextVersions"]
    assert len(expired_by(export_object("e1", "aanmeldingen.csv"))) == 1


def test_negative_control_a_key_that_begins_with_its_network_matches_no_rule(moto):
    assert expired_by("n/rotterdam/search/library.sqlite") == []
