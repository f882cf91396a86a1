"""Tests share moto's table, bucket, queues and outbox (made once per process) but never each other's data.

Whatever a test leaves behind (an item, an object, a queued message, a sent mail), the next test's
`moto` fixture starts without. Checked in one test, so that it holds in any order: it enters the
fixture's own `local_stage()` twice, leaving data behind in the first.
"""

from __future__ import annotations

from chalicelib.accounts.model import Account
from chalicelib.core import aws, clock, config
from chalicelib.mail import sending as mail
from tests.support.aws import local_stage, sent_mail


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


def test_what_one_test_leaves_behind_the_next_does_not_find(now):
    with local_stage():
        leave_data_behind()
        assert not nothing_is_left()  # the check sees what was left
    with local_stage():
        assert nothing_is_left()
