"""Create the table and bucket from the production CloudFormation definition.

infra/resources.json is the one schema: `make package` merges it into the SAM
template, and the local runner and tests create the same resources from it
through boto3, so the two cannot drift.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

INFRA = Path(__file__).resolve().parent.parent / "infra" / "resources.json"


def _properties(resource: str) -> dict[str, Any]:
    return json.loads(INFRA.read_text())["Resources"][resource]["Properties"]


def create_table(client: Any, name: str) -> None:
    props = _properties("PortalTable")
    try:
        client.create_table(
            TableName=name,
            BillingMode=props["BillingMode"],
            AttributeDefinitions=props["AttributeDefinitions"],
            KeySchema=props["KeySchema"],
            GlobalSecondaryIndexes=props["GlobalSecondaryIndexes"],
            SSESpecification={"Enabled": props["SSESpecification"]["SSEEnabled"]},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceInUseException":
            raise
        return
    client.get_waiter("table_exists").wait(TableName=name)
    ttl = props["TimeToLiveSpecification"]
    client.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": ttl["Enabled"]}
    )


def create_bucket(client: Any, name: str, region: str, origin: str) -> None:
    props = _properties("PortalBucket")
    try:
        if region == "us-east-1":
            client.create_bucket(Bucket=name)
        else:
            client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    except ClientError as error:
        if error.response["Error"]["Code"] != "BucketAlreadyOwnedByYou":
            raise
    client.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"])
    # CloudFormation and the S3 API name the same rule differently
    rules = [
        {"ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"]}
        for rule in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    ]
    client.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
    client.put_bucket_versioning(Bucket=name, VersioningConfiguration=props["VersioningConfiguration"])
    # the template's origin is a stack parameter; here it is the local portal's
    rules = [
        {
            "AllowedOrigins": [origin],
            "AllowedMethods": r["AllowedMethods"],
            "AllowedHeaders": r["AllowedHeaders"],
            "MaxAgeSeconds": r["MaxAge"],
        }
        for r in props["CorsConfiguration"]["CorsRules"]
    ]
    client.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": rules})


def create_queues(client: Any, queue: str, dead_letter: str, visibility_seconds: int | None = None) -> str:
    """The mail queue and its dead-letter queue with the template's redrive policy; returns the queue's URL.

    Locally a shorter visibility timeout than the template's lets a failed message come back within a minute.
    """
    props = _properties("MailQueue")
    dead_url = client.create_queue(QueueName=dead_letter)["QueueUrl"]
    dead_arn = client.get_queue_attributes(QueueUrl=dead_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = {"deadLetterTargetArn": dead_arn, "maxReceiveCount": str(props["RedrivePolicy"]["maxReceiveCount"])}
    attributes = {
        "VisibilityTimeout": str(visibility_seconds if visibility_seconds is not None else props["VisibilityTimeout"]),
        "RedrivePolicy": json.dumps(redrive),
    }
    return str(client.create_queue(QueueName=queue, Attributes=attributes)["QueueUrl"])


def create_all(
    session: Any,
    table: str,
    bucket: str,
    sender: str,
    endpoint_url: str | None = None,
    origin: str = "http://127.0.0.1:8000",
    queue_url: str = "",
) -> None:
    """Table, bucket, a verified SES sender (moto rejects unverified ones, as SES does) and the mail queues."""
    create_table(session.client("dynamodb", endpoint_url=endpoint_url), table)
    create_bucket(session.client("s3", endpoint_url=endpoint_url), bucket, session.region_name, origin)
    session.client("ses", endpoint_url=endpoint_url).verify_email_identity(EmailAddress=sender)
    if queue_url:  # the stage names its queue by URL; the name is its last part
        queue = queue_url.rsplit("/", 1)[1]
        create_queues(session.client("sqs", endpoint_url=endpoint_url), queue, f"{queue}-dead", visibility_seconds=30)
