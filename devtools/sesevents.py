"""SES's bounce and complaint notifications on this machine: `make bounce ADDRESS=...` publishes one
to the local SES topic, as SES would after a mail to that address bounced, so that the suppression
list can be tried under `make run`. The tests publish the same shape.
"""

from __future__ import annotations

import argparse
import json

import boto3

from chalicelib.core.jsontypes import JsonObject
from devtools.localrun import MOTO_PORT, PORTAL_PORT, local_env
from devtools.resources import SES_EVENTS


def ses_notification(kind: str, address: str, *, field: str = "notificationType", **details: str) -> JsonObject:
    """A notification as SES publishes it (docs.aws.amazon.com/ses/latest/dg/notification-contents.html)."""
    mail = {
        "timestamp": "2026-11-25T09:00:00.000Z",
        "source": "netwerk@portal.example",
        "sourceArn": "arn:aws:ses:eu-west-1:123456789012:identity/portal.example",
        "messageId": "0100018c-example",
        "destination": [address],
    }
    if kind == "Bounce":
        body = {
            "bounceType": details.get("bounce_type", "Permanent"),
            "bounceSubType": "General",
            "bouncedRecipients": [
                {
                    "emailAddress": address,
                    "action": "failed",
                    "status": "5.1.1",
                    "diagnosticCode": "smtp; 550 5.1.1 user unknown",
                }
            ],
            "timestamp": "2026-11-25T09:00:01.000Z",
            "feedbackId": "0100018c-feedback",
            "reportingMTA": "dsn; a1-2.smtp-out.eu-west-1.amazonses.com",
        }
        return {field: "Bounce", "bounce": body, "mail": mail}
    body = {
        "complainedRecipients": [{"emailAddress": address}],
        "timestamp": "2026-11-25T09:00:01.000Z",
        "feedbackId": "0100018c-feedback",
        "complaintFeedbackType": "abuse",
    }
    return {field: "Complaint", "complaint": body, "mail": mail}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("address")
    parser.add_argument("--complaint", action="store_true", help="a spam report instead of a hard bounce")
    args = parser.parse_args()
    env = local_env(f"http://127.0.0.1:{MOTO_PORT}", PORTAL_PORT)
    session = boto3.session.Session(
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=env["AWS_DEFAULT_REGION"],
    )
    sns = session.client("sns", endpoint_url=env["AWS_ENDPOINT_URL"])
    topic = sns.create_topic(Name=SES_EVENTS)["TopicArn"]  # the existing topic: create_topic is idempotent
    notification = ses_notification("Complaint" if args.complaint else "Bounce", args.address)
    sns.publish(TopicArn=topic, Message=json.dumps(notification))
    print(
        f"published a {'complaint' if args.complaint else 'hard bounce'} for {args.address}; see /beheer/onbereikbaar"
    )


if __name__ == "__main__":
    main()
