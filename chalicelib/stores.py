"""Repositories wired to this process's client and the configured table."""

from __future__ import annotations

from chalicelib.accounts.store import AccountStore
from chalicelib.audit.store import AuditStore
from chalicelib.core import aws, config
from chalicelib.evaluations.store import EvaluationStore
from chalicelib.events.store import EventStore
from chalicelib.exports.store import ExportStore
from chalicelib.library.store import LibraryStore
from chalicelib.mail.store import JobStore
from chalicelib.mail.suppression_store import SuppressionStore
from chalicelib.news.store import NewsStore
from chalicelib.registrations.store import RegistrationStore


def events() -> EventStore:
    return EventStore(aws.dynamodb(), config.table_name())


def registrations() -> RegistrationStore:
    return RegistrationStore(aws.dynamodb(), config.table_name())


def accounts() -> AccountStore:
    return AccountStore(aws.dynamodb(), config.table_name())


def library() -> LibraryStore:
    from chalicelib.library import search  # the index follows every material change

    return LibraryStore(aws.dynamodb(), config.table_name(), search.changed)


def news() -> NewsStore:
    return NewsStore(aws.dynamodb(), config.table_name())


def evaluations() -> EvaluationStore:
    return EvaluationStore(aws.dynamodb(), config.table_name())


def jobs() -> JobStore:
    return JobStore(aws.dynamodb(), config.table_name())


def exports() -> ExportStore:
    return ExportStore(aws.dynamodb(), config.table_name())


def suppressions() -> SuppressionStore:
    return SuppressionStore(aws.dynamodb(), config.table_name())


def audit() -> AuditStore:
    return AuditStore(aws.dynamodb(), config.table_name())
