"""A member's or organiser's account, and its DynamoDB item."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from chalicelib.core.dynamo import Item
from chalicelib.core.entity import attributes, from_attributes
from chalicelib.core.keys import (
    ACCOUNT_SK,
    FOLLOWER_PREFIX,
    GROUP_SK,
    account_pk,
    accounts_index,
    email_key,
    group_pk,
    groups_index,
    member_sk,
    newsletter_index,
)
from chalicelib.core.vocabulary import words


class AccountStatus(StrEnum):
    UNVERIFIED = "unverified"  # the address is not confirmed yet
    PENDING = "pending"  # waiting for an organiser
    APPROVED = "approved"
    REJECTED = "rejected"
    DISABLED = "disabled"


words(AccountStatus)


class Access(StrEnum):
    MEMBER = "member"
    ORGANISER = "organiser"


words(Access)


@dataclass
class Account:
    """A person's membership: requested, verified, then approved (or not) by an organiser."""

    email: str
    name: str
    organisation: str
    job: str
    created_at: datetime
    reason: str = ""
    newsletter: bool = False
    status: AccountStatus = AccountStatus.UNVERIFIED
    access: Access = Access.MEMBER
    language: str = "nl"
    version: int = 0  # optimistic concurrency: every write expects the version it read
    # sessions started under an older number are over: raised when the account is disabled, rejected
    # or changes role, so that every cookie of it stops working at once (accounts/sessions.py)
    session_epoch: int = 0
    # the private calendar feed's link is signed with this number: raising it ("a new link") ends the old one
    calendar_epoch: int = 0
    # the themes whose new meetings and materials reach them in a daily digest (following/digest.py)
    themes: tuple[str, ...] = ()
    # the working groups they belong to and the ones they lead, by short name (accounts/groups.py): on
    # the account's item, so that every request knows them from the session's one read
    groups: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()

    @property
    def pk(self) -> str:
        return account_pk(self.email)

    @property
    def key(self) -> str:
        """How the workspace's addresses name the account: a hash of its address, never the address."""
        return email_key(self.email)

    @property
    def can_sign_in(self) -> bool:
        return self.status == AccountStatus.APPROVED

    @property
    def is_organiser(self) -> bool:
        return self.access == Access.ORGANISER

    def sees_group(self, group: str) -> bool:
        """A group's meetings and documents exist for its members and the network's organisers only."""
        return self.can_sign_in and (self.is_organiser or group in self.groups)

    def manages_group(self, group: str) -> bool:
        """Who adds and removes a group's members: its leads and the network's organisers."""
        return self.can_sign_in and (self.is_organiser or group in self.leads)

    @property
    def subscribed(self) -> bool:
        return self.newsletter and self.status == AccountStatus.APPROVED

    @property
    def follows(self) -> bool:
        """Whether the daily digest is for them: approved, with a theme followed."""
        return bool(self.themes) and self.status == AccountStatus.APPROVED

    def to_item(self) -> Item:
        item: Item = {
            "PK": self.pk,
            "SK": ACCOUNT_SK,
            "type": "account",
            **attributes(self),
            # organisers list accounts by status, newest first
            "GSI1PK": accounts_index(self.status),
            "GSI1SK": self.created_at.isoformat(),
        }
        if self.subscribed:
            item["GSI2PK"], item["GSI2SK"] = newsletter_index(), self.email.lower()
        if self.follows:
            # sparse: GSI3 of ACCOUNTS#approved holds exactly the followers, whom the digest reads
            item["GSI3SK"] = f"{FOLLOWER_PREFIX}{self.email.lower()}"
        return item

    @classmethod
    def from_item(cls, item: Item) -> Account:
        return from_attributes(cls, item)


@dataclass
class Group:
    """A working group inside the network: its members meet and draft documents in private."""

    name: str  # short, in its address: /groepen/{name}
    title: str
    created_at: datetime
    description: str = ""
    version: int = 0  # edits expect the version they read

    def to_item(self) -> Item:
        return {
            "PK": group_pk(self.name),
            "SK": GROUP_SK,
            "type": "group",
            **attributes(self),
            "GSI1PK": groups_index(),
            "GSI1SK": self.name,
        }

    @classmethod
    def from_item(cls, item: Item) -> Group:
        return from_attributes(cls, item)


@dataclass
class Member:
    """A person's place in a group. Their name and organisation are read from their account when shown,
    so that a change there shows at once; the account holds the group too (`Account.groups`)."""

    email: str
    added_at: datetime
    lead: bool = False

    @property
    def key(self) -> str:
        return email_key(self.email)

    def to_item(self, group: str) -> Item:
        return {"PK": group_pk(group), "SK": member_sk(self.email), "type": "member", **attributes(self)}

    @classmethod
    def from_item(cls, item: Item) -> Member:
        return from_attributes(cls, item)
