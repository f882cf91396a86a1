"""Tests share moto's table, bucket and outbox (made once per session) but never each other's data.

The first test leaves an item, an object, a queued message and a sent mail behind; the second, which pytest
runs after it (file order), finds none of them. It checks that the first one ran, so that
running it alone fails rather than passing without proving anything.
"""

from __future__ import annotations

from chalicelib.accounts.model import Account
from chalicelib.core import aws, clock, config
from chalicelib.mail import sending as mail
from tests.conftest import sent_mail

LEFT_BEHIND: list[str] = []


def leave_data_behind() -> None:
    aws.dynamodb().put_item(TableName=config.table_name(), Item={"PK": {"S": "LEFT"}, "SK": {"S": "#BEHIND"}})
    aws.s3().put_object(Bucket=config.bucket_name(), Key="left/behind.txt", Body=b"x")
    aws.sqs().send_message(QueueUrl=config.mail_queue_url(), MessageBody="{}")
    account = Account("iemand@zwijndrecht.nl", "Iemand", "Gemeente", "Beleid", clock.now())
    assert mail.send(account.email, "Onderwerp", "account_pending", "nl", account=account)


def nothing_is_left() -> bool:
    table_empty = aws.dynamodb().scan(TableName=config.table_name())["Count"] == 0
    bucket_empty = "Versions" not in aws.s3().list_object_versions(Bucket=config.bucket_name())
    queue_empty = "Messages" not in aws.sqs().receive_message(QueueUrl=config.mail_queue_url())
    return table_empty and bucket_empty and queue_empty and sent_mail() == []


def test_a_test_leaves_data_behind(moto):
    leave_data_behind()
    assert not nothing_is_left()
    LEFT_BEHIND.append("yes")


def test_the_next_test_starts_empty(moto):
    assert LEFT_BEHIND, "run the whole file: this test checks what the one before it left"
    assert nothing_is_left()
