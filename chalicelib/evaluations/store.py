"""Evaluations in DynamoDB: an answer, its registration's mark and the figures in one transaction."""

from __future__ import annotations

from botocore.exceptions import ClientError

from chalicelib.core import aws, config
from chalicelib.core.dynamo import (
    Item,
    TableStore,
    from_attrs,
    is_cancelled,
    new_put,
    primary_key,
    to_attrs,
    with_prefix,
)
from chalicelib.core.keys import ANSWER_PREFIX, RESULTS_SK, evaluation_pk, event_pk
from chalicelib.evaluations.model import Answer
from chalicelib.registrations.lifecycle import RegistrationStatus


class AlreadyAnswered(Exception):
    """The registration answered before (or is no longer confirmed): nothing was written."""


class EvaluationStore(TableStore):
    def submit(self, slug: str, registration_sk: str, answer: Answer) -> None:
        """Store an answer once per registration: the registration is marked, the answer stored
        apart from it and the figures raised, all or nothing. AlreadyAnswered if it answered before."""
        figures = answer.figures()
        names = {f"#f{i}": name for i, name in enumerate(figures)}
        try:
            self._client.transact_write_items(
                TransactItems=[
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": primary_key(event_pk(slug), registration_sk),
                            "UpdateExpression": "SET evaluated = :yes",
                            "ConditionExpression": "#status = :confirmed AND (attribute_not_exists(evaluated) OR evaluated = :no)",
                            "ExpressionAttributeNames": {"#status": "status"},
                            "ExpressionAttributeValues": to_attrs(
                                {":yes": True, ":no": False, ":confirmed": RegistrationStatus.CONFIRMED.value}
                            ),
                        }
                    },
                    new_put(self._table, answer.to_item(slug)),
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": primary_key(evaluation_pk(slug), RESULTS_SK),
                            "UpdateExpression": "ADD " + ", ".join(f"{n} :one" for n in names),
                            "ExpressionAttributeNames": names,
                            "ExpressionAttributeValues": to_attrs({":one": 1}),
                        }
                    },
                ]
            )
        except ClientError as error:
            if is_cancelled(error):
                raise AlreadyAnswered() from error
            raise

    def figures(self, slug: str) -> Item:
        """The results item: how many answered, and per item how often each rating was given."""
        response = self._client.get_item(TableName=self._table, Key=primary_key(evaluation_pk(slug), RESULTS_SK))
        return from_attrs(response.get("Item", {}))

    def answers(self, slug: str) -> list[Answer]:
        """Every answer (the remarks, the CSV): one Query, paginated."""
        items = with_prefix(self._client, self._table, evaluation_pk(slug), ANSWER_PREFIX)
        return [Answer.from_item(i) for i in items]


def evaluation_store() -> EvaluationStore:
    """Evaluation answers and figures in this process's table."""
    return EvaluationStore(aws.dynamodb(), config.table_name())
