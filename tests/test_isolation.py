"""Tests share moto's table, bucket and outbox (made once per session) but never each other's data.

The first test leaves an item, an object and a sent mail behind; the second, run after it,
finds none of them.
"""

from __future__ import annotations

from chalicelib.accounts.model import Account
from chalicelib.core import aws, clock, config
from chalicelib.mail import sending as mail
from tests.conftest import sent_mail


def test_a_test_leaves_data_behind(moto):
    aws.dynamodb().put_item(TableName=config.table_name(), Item={"PK": {"S": "LEFT"}, "SK": {"S": "#BEHIND"}})
    aws.s3().put_object(Bucket=config.bucket_name(), Key="left/behind.txt", Body=b"x")
    account = Account("iemand@zwijndrecht.nl", "Iemand", "Gemeente", "Beleid", clock.now())
    assert mail.send(account.email, "Onderwerp", "account_pending", "nl", account=account)
    assert len(sent_mail()) == 1


def test_the_next_test_starts_empty(moto):
    assert aws.dynamodb().scan(TableName=config.table_name())["Count"] == 0
    assert "Versions" not in aws.s3().list_object_versions(Bucket=config.bucket_name())
    assert sent_mail() == []
