"""Command line for organisers and developers.

    .venv/bin/python manage.py [--stage local|dev|prod] [--network NAME] COMMAND ...

    load-events FILE.yaml|FILE.json   create or update events, checked as the workspace form checks them
    create-organiser --email ADDRESS  the first organiser (or make an account organiser)
    send-newsletter --subject S FILE  mail FILE to every subscribed member
    send-digest [--day YYYY-MM-DD]    what was published that day, to who follows its themes
    invite-speaker SLUG ...           mail a speaker a private upload link for programme slots
    revoke-speaker SLUG --email A     end all of that speaker's links
    add-document FILE --title T ...   put an organiser's document in the knowledge library
    create-group --name N --title T   a working group in the network
    add-to-group --email A --group N  add a person to a group (an approved member account made if none)
    add-group-document --group G ...  a working group's new document, its first version a draft
    reindex [--here]                  rebuild the library's search index; read again what failed
    create-resources                  the table, bucket and SES sender (local stage, moto server)
    create-network NAME --title T ... a new regional network, on its own host name (the platform operator)
    networks                          every network and its host names
    upgrade-networks                  once, after the upgrade to networks: all data becomes the default network's

Every command but the last three works inside one network: the deployment's default, or --network.

`--help` after a command lists its options.

The stage's settings come from .chalice/config.json, as the Lambda gets them;
AWS credentials and region come from the usual AWS environment or profile.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import boto3
import click
import yaml

from devtools.stage import use_stage

if TYPE_CHECKING:
    from chalicelib.core.errors import InvalidInput

# the platform's commands: they work on no network, or make one
PLATFORM_COMMANDS = ("create-resources", "create-network", "networks", "upgrade-networks")


@click.group()
@click.option("--stage", default="local", show_default=True, help="Stage from .chalice/config.json")
@click.option("--network", "network_name", default="", help="The network to work in (default: the deployment's)")
@click.pass_context
def cli(context: click.Context, stage: str, network_name: str) -> None:
    try:
        use_stage(stage)
    except ValueError as error:
        raise click.BadParameter(str(error)) from error
    if context.invoked_subcommand in PLATFORM_COMMANDS:
        return
    from chalicelib.core import config, tenancy
    from chalicelib.networks import service as networks

    name = network_name or config.default_network_name()

    def settings() -> tenancy.Network:
        try:
            return networks.named(name)
        except networks.UnknownNetwork as error:
            raise click.BadParameter(f"no network {name!r} (see `manage.py networks`)") from error

    if network_name:  # a network named on the command line must exist before anything is done in it
        settings()
    context.with_resource(tenancy.within_named(name, settings))


@cli.command("load-events")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_events(path: Path) -> None:
    """Create or update the events in a YAML or JSON file (see demo/events.yaml)."""
    from chalicelib.events.importer import InvalidEventFile, load

    text = path.read_text(encoding="utf-8")
    try:
        document = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        slugs = load(document)
    except (InvalidEventFile, ValueError, yaml.YAMLError) as error:
        click.echo(f"{path}: {error}", err=True)
        sys.exit(1)
    for slug in slugs:
        click.echo(f"loaded /events/{slug}")


@cli.command("reindex")
@click.option("--here", is_flag=True, help="Build it in this process instead of queueing it for the index worker")
def reindex(here: bool) -> None:
    """Rebuild the knowledge library's search index from the materials and their kept texts; files
    whose text is missing, and what waits in the extraction dead-letter queue, are read again."""
    from chalicelib.library import extraction, search

    moved = extraction.take_up_dead_letters()
    click.echo(f"{moved} message(s) moved back from the extraction dead-letter queue")
    if here:
        search.update(json.dumps({"rebuild": True}))
        click.echo("search index rebuilt")
    else:
        search.request_rebuild()
        click.echo("rebuild queued for the index worker (one writer at a time)")


@cli.command("recount")
def recount() -> None:
    """Rebuild every event's registrations list and overview figures from its registrations (after an upgrade)."""
    from chalicelib.events.workspace import all_events
    from chalicelib.registrations.attendance import recount as recount_event

    for event in all_events():
        click.echo(f"{event.slug}: {recount_event(event.slug)} registrations")


@cli.command("create-organiser")
@click.option("--email", required=True, help="Address of the organiser")
@click.option("--name", default="", help="Name shown in the portal")
def create_organiser(email: str, name: str) -> None:
    """Create an approved organiser account, or make an existing account organiser."""
    from chalicelib.accounts.service import ensure_organiser
    from chalicelib.core import config
    from chalicelib.core.errors import InvalidInput
    from chalicelib.core.forms import clean_email

    try:
        address = clean_email({"email": email})
    except InvalidInput as error:
        raise click.BadParameter(f"{email!r} is not a valid address") from error
    account = ensure_organiser(address, name or address.split("@")[0])
    click.echo(f"{account.email} is organiser; sign in at {config.base_url()}/inloggen")


@cli.command("create-group")
@click.option("--name", required=True, help="Short name, in the group's address: /groepen/NAME")
@click.option("--title", required=True, help="The group's name as pages show it")
@click.option("--description", default="")
def create_group(name: str, title: str, description: str) -> None:
    """Create a working group in the network."""
    from chalicelib.accounts import groups
    from chalicelib.core.errors import InvalidInput

    try:
        group = groups.create(groups.COMMAND_LINE, {"name": name, "title": title, "description": description})
    except InvalidInput as error:
        raise click.BadParameter(_messages(error)) from error
    click.echo(f"group {group.name} created: /groepen/{group.name}")


@cli.command("add-to-group")
@click.option("--email", required=True, help="The person's address")
@click.option("--group", "name", required=True, help="The group's short name")
@click.option("--name", "person", default="", help="Their name, for an account made now")
@click.option("--organisation", default="", help="Their organisation, for an account made now")
@click.option("--lead", is_flag=True, help="Make them a lead of the group")
def add_to_group(email: str, name: str, person: str, organisation: str, lead: bool) -> None:
    """Add a person to a working group, making an approved member account for the address if there is none."""
    from chalicelib.accounts import groups
    from chalicelib.core.errors import Conflict, GroupNotFound, InvalidInput
    from chalicelib.core.forms import clean_email

    try:
        address = clean_email({"email": email})
    except InvalidInput as error:
        raise click.BadParameter(f"{email!r} is not a valid address") from error
    try:
        account, made, joined = groups.add_by_command(name, address, person, lead, organisation)
    except GroupNotFound as error:
        raise click.BadParameter(f"no group {name!r} in this network") from error
    except Conflict as error:
        raise click.ClickException(english(error.message)) from error
    made_note = " (a new approved member account)" if made else ""
    click.echo(f"{account.email}{made_note} is in group {name}{' as lead' if lead else ''}")
    if joined:
        from chalicelib.events import invitations

        told = invitations.welcome(account, name)
        click.echo("they were mailed about it" if told else "the mail about it did not go (see the log)")


@cli.command("add-group-document")
@click.option("--group", required=True, help="The group's short name")
@click.option("--title", required=True, help="The document's title")
@click.option("--path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--email", default="", help="The uploader: a member of the group (else the command line)")
def add_group_document(group: str, title: str, path: Path, email: str) -> None:
    """Add a document to a working group, its first version checked as an upload is (a draft: only the
    group and the organisers see it)."""
    from chalicelib.core.errors import GroupNotFound
    from chalicelib.library import group_documents
    from chalicelib.library.files import UploadRejected

    try:
        version = group_documents.add_by_command(group, title, path.read_bytes(), path.name, email.strip())
    except GroupNotFound as error:
        raise click.BadParameter(f"no group {group!r} in this network") from error
    except UploadRejected as error:
        raise click.BadParameter(english(error.msgid, **error.params)) from error
    except ValueError as error:
        raise click.BadParameter(str(error)) from error
    click.echo(f"added version 1: /groepen/{group}/documenten/{version.document_id}")


def _messages(error: InvalidInput) -> str:
    """A refused form's messages, in English, as a command line shows them."""
    return "; ".join(f"{name}: {english(e.msgid, max=e.max, other=e.other)}" for name, e in error.fields.items())


def english(msgid: str, **params: object) -> str:
    from chalicelib.core.rendering import gettext

    return gettext("en", msgid, **params)


@cli.command("send-newsletter")
@click.option("--subject", required=True)
@click.argument("body", type=click.File(encoding="utf-8"))
def send_newsletter(subject: str, body: TextIO) -> None:
    """Queue BODY (plain text) for every subscriber, with one-click unsubscribe; the mail worker sends it."""
    from chalicelib.accounts.newsletter import send

    job = send("manage.py send-newsletter", subject, body.read())
    click.echo(f"queued as mail job {job.id}; follow it at /beheer/verzendingen/{job.id}")


@cli.command("send-evaluations")
@click.option("--slug", help="Open this meeting's evaluation now, whatever its date (to try it on the demo)")
def send_evaluations(slug: str | None) -> None:
    """Run the daily evaluation job by hand: yesterday's meetings (or the one named) get their evaluation mail."""
    from chalicelib.core.errors import EventNotFound
    from chalicelib.evaluations import service as evaluations

    if slug is None:
        click.echo(f"evaluations opened: {evaluations.send_evaluations()}")
        return
    try:
        opened = evaluations.open_by_hand(slug, "manage.py send-evaluations")
    except EventNotFound as missing:
        raise click.BadParameter(f"no published event {slug!r}", param_hint="--slug") from missing
    if opened:
        click.echo(f"opened; the mail worker sends it. Results: /beheer/bijeenkomsten/{slug}/evaluatie")
    else:
        click.echo("its evaluation was opened before")


@cli.command("send-digest")
@click.option(
    "--day", type=click.DateTime(formats=["%Y-%m-%d"]), help="The day whose news to send (default: yesterday)"
)
def send_digest(day: object) -> None:
    """Run the daily digest by hand: what was published on DAY, to who follows its themes (once per day)."""
    from datetime import datetime

    from chalicelib.core import clock, config
    from chalicelib.following import digest

    chosen = day.date() if isinstance(day, datetime) else None
    # a day's digest goes once: sent before the day is over, it would miss the rest of that day
    if chosen is not None and chosen >= clock.now().date() and config.stage() != "local":
        raise click.BadParameter("that day is not over yet (only the local stage may try it)", param_hint="--day")
    if digest.send_digest(chosen):
        click.echo("started; the mail worker sends it. Follow it at /beheer/verzendingen")
    else:
        click.echo("nothing published in a theme that day, or its digest was started before")


@cli.command("invite-speaker")
@click.option("--event", "slug", required=True, help="Event slug")
@click.option(
    "--slot", "slots", type=int, multiple=True, required=True, help="Programme slot number (1 = first); repeat for more"
)
@click.option("--name", required=True)
@click.option("--organisation", default="")
@click.option("--email", required=True)
def invite_speaker(slug: str, slots: tuple[int, ...], name: str, organisation: str, email: str) -> None:
    """Invite a speaker: they get a mail with a private link to upload their slides."""
    from chalicelib.core.errors import EventNotFound
    from chalicelib.library.speakers import invite

    try:
        _speaker, url = invite(slug, slots, name, organisation, email)
    except (EventNotFound, ValueError) as error:
        raise click.BadParameter(str(error.args[0] if error.args else error)) from error
    click.echo(f"invited {email}: {url}")


@cli.command("revoke-speaker")
@click.option("--event", "slug", required=True)
@click.option("--email", required=True)
def revoke_speaker(slug: str, email: str) -> None:
    """Revoke a speaker's private link(s) for an event."""
    from chalicelib.library.speakers import revoke

    click.echo(f"revoked {revoke(slug, email)} link(s)")


@cli.command("add-document")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--title", required=True)
@click.option(
    "--access",
    type=click.Choice(["public", "members", "attendees", "organisers"]),
    default="members",
    show_default=True,
)
@click.option("--theme", "themes", multiple=True, help="polarisatie, radicalisering, extremisme, ...")
@click.option("--event", "slug", default="", help="Related event slug")
@click.option("--description", default="")
def add_document(path: Path, title: str, access: str, themes: tuple[str, ...], slug: str, description: str) -> None:
    """Add an organiser's document (PDF, pptx, odp, docx) to the knowledge library."""
    from chalicelib.library.files import UploadRejected
    from chalicelib.library.service import add_document as add

    try:
        material = add(path.read_bytes(), path.name, title, access, themes, slug, description)
    except (ValueError, UploadRejected) as error:
        raise click.BadParameter(str(error)) from error
    click.echo(f"added /kennisbank/{material.id}/download")


@cli.command("create-resources")
def create_resources() -> None:
    """Create the table, bucket, SES sender, queues and SES topic on moto server (AWS_ENDPOINT_URL)."""
    from chalicelib.core import config
    from devtools.resources import create_all

    if not config.aws_endpoint_url():
        raise click.UsageError("AWS_ENDPOINT_URL is not set: this command is for moto server only")
    create_all(boto3.session.Session(), os.environ, origin=config.default_base_url())
    click.echo(f"created {config.table_name()}, {config.bucket_name()}, sender {config.default_sender()}, the queues")


@cli.command("create-network")
@click.argument("name")
@click.option("--title", required=True, help="Its name in Dutch, as pages and mails show it")
@click.option("--title-en", default="", help="Its name in English")
@click.option("--host", "hosts", multiple=True, help="A host name it answers on (repeat); locally NAME.localhost")
@click.option("--sender", required=True, help="The From of its mails: an address of a verified SES identity")
@click.option("--contact", required=True, help="Where visitors write to its organisers (also the mails' Reply-To)")
@click.option("--security-contact", default="", help="security.txt's Contact (default: mailto: the contact)")
@click.option("--palette", type=click.Choice(["blauw", "paars", "petrol", "bordeaux"]), default="blauw")
@click.option("--organiser", "organiser_email", default="", help="Its first organiser's address")
def create_network(
    name: str,
    title: str,
    title_en: str,
    hosts: tuple[str, ...],
    sender: str,
    contact: str,
    security_contact: str,
    palette: str,
    organiser_email: str,
) -> None:
    """Create a regional network (the platform operator's task), and appoint its first organiser."""
    from chalicelib.accounts.service import ensure_organiser
    from chalicelib.core import config, tenancy
    from chalicelib.networks import service as networks

    if not hosts and not config.is_local():
        raise click.BadParameter("a deployed network needs at least one host name", param_hint="--host")
    settings = {
        "title_nl": title,
        "title_en": title_en or title,
        "hosts": [h.lower() for h in hosts],
        "sender": sender,
        "contact": contact,
        "security_contact": security_contact or f"mailto:{contact}",
        "palette": palette,
    }
    try:
        network = networks.create(name, settings, "manage.py create-network")
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="NAME") from error
    click.echo(f"created network {network.name} at {network.base_url}")
    if organiser_email:
        with tenancy.within(network):
            ensure_organiser(organiser_email.strip().lower(), organiser_email.split("@")[0])
        click.echo(f"{organiser_email} is its organiser; sign in at {network.base_url}/inloggen")


@cli.command("upgrade-networks")
def upgrade_networks() -> None:
    """Move every item and file of a deployment made before networks into its default network (safe
    to run again), then rebuild the search index from the moved files (README "Upgrading")."""
    from chalicelib.core import aws, config
    from chalicelib.library import search
    from devtools.network_upgrade import upgrade
    from devtools.stage import default_network

    name = config.default_network_name()
    done = upgrade(aws.dynamodb(), aws.s3(), config.table_name(), config.bucket_name(), name)
    click.echo(
        f"into network {name}: {done.items} items and {done.objects} files moved, {done.dropped} derived dropped"
    )
    with default_network():
        search.update(json.dumps({"rebuild": True}))
    click.echo("search index rebuilt; texts of files are read again by the extraction worker")


@cli.command("networks")
def list_networks() -> None:
    """Every network of this deployment, the default first, with the addresses it answers on."""
    from chalicelib.networks import service as networks

    for network in networks.all_networks():
        click.echo(f"{network.name}: {network.title['nl']} ({', '.join(network.hosts)})")


if __name__ == "__main__":
    cli()
