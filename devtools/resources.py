"""Create the table, bucket, queues and topic from the production CloudFormation definition.

infra/resources.json is the one schema: `make package` merges it into the SAM
template, and the local runner and tests create the same resources from it
through boto3, so the two cannot drift.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, cast

import boto3
from botocore.exceptions import ClientError

from chalicelib.core.jsontypes import JsonObject

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.literals import BucketLocationConstraintType, EventType
    from mypy_boto3_s3.type_defs import (
        CORSRuleTypeDef,
        LifecycleRuleTypeDef,
        QueueConfigurationTypeDef,
        ServerSideEncryptionRuleTypeDef,
    )
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.literals import QueueAttributeNameType

INFRA = Path(__file__).resolve().parent.parent / "infra" / "resources.json"


def _properties(resource: str) -> JsonObject:
    properties: JsonObject = json.loads(INFRA.read_text())["Resources"][resource]["Properties"]
    return properties


def create_table(client: DynamoDBClient, name: str) -> None:
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


def create_bucket(client: S3Client, name: str, region: str, origin: str) -> None:
    props = _properties("PortalBucket")
    try:
        if region == "us-east-1":
            client.create_bucket(Bucket=name)
        else:
            client.create_bucket(
                Bucket=name,
                CreateBucketConfiguration={"LocationConstraint": cast("BucketLocationConstraintType", region)},
            )
    except ClientError as error:
        if error.response["Error"]["Code"] != "BucketAlreadyOwnedByYou":
            raise
    client.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"])
    # CloudFormation and the S3 API name the same rule differently
    rules: list[ServerSideEncryptionRuleTypeDef] = [
        {"ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"]}
        for rule in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    ]
    client.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
    client.put_bucket_versioning(Bucket=name, VersioningConfiguration=props["VersioningConfiguration"])
    # the template's origin is a stack parameter; here it is the local portal's
    cors: list[CORSRuleTypeDef] = [
        {
            "AllowedOrigins": [origin],
            "AllowedMethods": r["AllowedMethods"],
            "AllowedHeaders": r["AllowedHeaders"],
            "MaxAgeSeconds": r["MaxAge"],
        }
        for r in props["CorsConfiguration"]["CorsRules"]
    ]
    client.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": cors})
    lifecycle: list[LifecycleRuleTypeDef] = []
    for r in props["LifecycleConfiguration"]["Rules"]:
        rule: LifecycleRuleTypeDef = {
            "ID": r["Id"],
            "Status": r["Status"],
            "Filter": {"Prefix": r["Prefix"]},
            "NoncurrentVersionExpiration": r["NoncurrentVersionExpiration"],
        }
        if "ExpirationInDays" in r:
            rule["Expiration"] = {"Days": r["ExpirationInDays"]}
        lifecycle.append(rule)
    client.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": lifecycle})


# The stage's queues: the variable that holds a queue's URL, and the template resource whose settings it copies
QUEUES = {
    "MAIL_QUEUE_URL": "MailQueue",
    "EXPORT_QUEUE_URL": "ExportQueue",
    "SIGNIN_QUEUE_URL": "SignInQueue",
    "INDEX_QUEUE_URL": "IndexQueue",
    "EXTRACT_QUEUE_URL": "ExtractQueue",
    "UPLOAD_QUEUE_URL": "UploadQueue",
}
# Where SES publishes bounces and complaints. Lambda subscribes to the topic in the stack; locally a
# queue subscribes instead, and the local worker hands what arrives to the same handler.
SES_EVENTS = "network-portal-ses-events-local"


def queue_name(url: str) -> str:
    return url.rsplit("/", 1)[1]


def dead_letter_url(url: str) -> str:
    """The URL of a queue's dead-letter queue: `{name}-dead`, keeping a FIFO queue's `.fifo` at the end."""
    base, fifo = (url.removesuffix(".fifo"), ".fifo") if url.endswith(".fifo") else (url, "")
    return f"{base}-dead{fifo}"


def create_queues(client: SQSClient, url: str, resource: str, visibility_seconds: int | None = None) -> str:
    """A queue and its dead-letter queue with the template's redrive policy (FIFO if it is); the queue's URL.

    Locally a shorter visibility timeout than the template's lets a failed message come back within a minute.
    """
    props = _properties(resource)
    fifo: dict[QueueAttributeNameType, str] = {"FifoQueue": "true"} if props.get("FifoQueue") else {}
    dead_url = client.create_queue(QueueName=queue_name(dead_letter_url(url)), Attributes=fifo)["QueueUrl"]
    dead_arn = client.get_queue_attributes(QueueUrl=dead_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = {"deadLetterTargetArn": dead_arn, "maxReceiveCount": str(props["RedrivePolicy"]["maxReceiveCount"])}
    attributes: dict[QueueAttributeNameType, str] = {
        "VisibilityTimeout": str(visibility_seconds if visibility_seconds is not None else props["VisibilityTimeout"]),
        "RedrivePolicy": json.dumps(redrive),
        **fifo,
    }
    return str(client.create_queue(QueueName=queue_name(url), Attributes=attributes)["QueueUrl"])


def notify_uploads(s3: S3Client, bucket: str, queue_url: str, sqs: SQSClient) -> None:
    """The bucket reports each object created under the incoming prefix to the upload queue, as the
    template's notification does (S3 then sends that queue a test event)."""
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    # CloudFormation and the S3 API name the same configuration differently
    queues: list[QueueConfigurationTypeDef] = [
        {
            "QueueArn": arn,
            "Events": [cast("EventType", n["Event"])],
            "Filter": {
                "Key": {
                    "FilterRules": [{"Name": r["Name"], "Value": r["Value"]} for r in n["Filter"]["S3Key"]["Rules"]]
                }
            },
        }
        for n in _properties("PortalBucket")["NotificationConfiguration"]["QueueConfigurations"]
    ]
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": queues})


def create_ses_events(sns: SNSClient, sqs: SQSClient) -> tuple[str, str]:
    """The topic SES publishes to and the local queue subscribed to it; (topic ARN, queue URL)."""
    topic = sns.create_topic(Name=SES_EVENTS)["TopicArn"]
    url = sqs.create_queue(QueueName=SES_EVENTS)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    return str(topic), str(url)


def create_all(
    session: boto3.session.Session,
    stage: Mapping[str, str],
    endpoint_url: str | None = None,
    origin: str = "http://127.0.0.1:8000",
    visibility_seconds: int = 30,
) -> None:
    """From the stage's variables: table, bucket, a verified SES sender (moto rejects unverified ones,
    as SES does) and its configuration set, the queues with their dead-letter queues, the bucket's
    notification of new uploads to their queue, and the SES topic."""
    create_table(session.client("dynamodb", endpoint_url=endpoint_url), stage["TABLE_NAME"])
    create_bucket(session.client("s3", endpoint_url=endpoint_url), stage["BUCKET_NAME"], session.region_name, origin)
    ses = session.client("ses", endpoint_url=endpoint_url)
    ses.verify_email_identity(EmailAddress=stage["MAIL_SENDER"])
    if stage.get("MAIL_CONFIGURATION_SET"):
        ses.create_configuration_set(ConfigurationSet={"Name": stage["MAIL_CONFIGURATION_SET"]})
    sqs = session.client("sqs", endpoint_url=endpoint_url)
    for variable, resource in QUEUES.items():
        if stage.get(variable):
            create_queues(sqs, stage[variable], resource, visibility_seconds=visibility_seconds)
    if stage.get("UPLOAD_QUEUE_URL"):
        notify_uploads(
            session.client("s3", endpoint_url=endpoint_url), stage["BUCKET_NAME"], stage["UPLOAD_QUEUE_URL"], sqs
        )
    create_ses_events(session.client("sns", endpoint_url=endpoint_url), sqs)
