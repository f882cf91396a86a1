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


def create_all(
    session: Any,
    table: str,
    bucket: str,
    sender: str,
    endpoint_url: str | None = None,
    origin: str = "http://127.0.0.1:8000",
) -> None:
    """Table, bucket and a verified SES sender (moto rejects unverified ones, as SES does)."""
    create_table(session.client("dynamodb", endpoint_url=endpoint_url), table)
    create_bucket(session.client("s3", endpoint_url=endpoint_url), bucket, session.region_name, origin)
    session.client("ses", endpoint_url=endpoint_url).verify_email_identity(EmailAddress=sender)
