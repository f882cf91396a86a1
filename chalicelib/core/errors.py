"""Domain errors, each carrying its HTTP status.

They subclass `ChaliceUnhandledError` so that Chalice lets them through to the
error middleware in `views/errors.py`, which renders a page or JSON for them.
"""

from __future__ import annotations

from typing import NamedTuple

from chalice.app import ChaliceUnhandledError

from chalicelib.core.i18n import _


class FieldError(NamedTuple):
    """A message for one field; `max` and `other` fill its %(max)d and %(other)s."""

    msgid: str
    max: int = 0
    other: str = ""


class PortalError(ChaliceUnhandledError):
    status = 500
    # msgid (Dutch); translated where it is rendered
    message = _("Er ging iets mis aan onze kant. Probeer het later nog eens.")
    retry_after = 0  # seconds, in a Retry-After header when not 0

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message


class BadRequest(PortalError):
    status = 400
    message = _("Het verzoek kon niet worden gelezen.")


class MethodNotAllowed(PortalError):
    status = 405
    message = _("Deze handeling is hier niet mogelijk.")


class UnsupportedMediaType(PortalError):
    status = 415
    message = _("Dit type inhoud wordt hier niet ondersteund.")


class CsrfFailed(PortalError):
    status = 403
    message = _(
        "Het formulier is verlopen of kwam niet van deze site. Ga terug, vernieuw de pagina en verstuur het opnieuw."
    )


class NotFound(PortalError):
    status = 404
    message = _("Deze pagina bestaat niet (meer).")


class EventNotFound(NotFound):
    message = _("Deze bijeenkomst bestaat niet (meer).")


class GroupNotFound(NotFound):
    """Also what someone outside a group hears of it: that it exists is the group's to know."""

    message = _("Deze werkgroep bestaat niet (meer).")


class RegistrationNotFound(NotFound):
    message = _("Deze link is niet (meer) geldig. Controleer of u de volledige link uit de e-mail hebt gebruikt.")


class RegistrationClosed(PortalError):
    status = 409
    message = _("Aanmelden voor deze bijeenkomst is niet meer mogelijk.")


class AlreadyCancelled(PortalError):
    status = 409
    message = _("Deze aanmelding is al geannuleerd.")


class InvalidInput(PortalError):
    """Per-field `FieldError`s keyed by field name; rendered next to the fields."""

    status = 422
    message = _("Controleer de gemarkeerde velden.")

    def __init__(self, fields: dict[str, FieldError]) -> None:
        super().__init__()
        self.fields = fields


class Conflict(PortalError):
    """A concurrent change won a race more often than we retry; asking again works."""

    status = 409
    message = _("Er gebeurde tegelijk iets anders met deze gegevens. Probeer het nog eens.")


class KeyReused(PortalError):
    """A one-time key came back with other content than it was first sent with: never answered with the
    first request's result, which may belong to someone else."""

    status = 422
    message = _(
        "Dit formulier is al verstuurd, met andere gegevens. Open de pagina opnieuw om iets nieuws te versturen."
    )


class FormInProgress(PortalError):
    """The same form (its one-time value) was sent before, and that request is still being carried out."""

    status = 409
    message = _("Uw eerdere verzending van dit formulier wordt nog verwerkt. Probeer het over een moment opnieuw.")
    retry_after = 5


class RequestInProgress(PortalError):
    """The first request with this one-time key is still being carried out."""

    status = 409
    message = _("Een verzoek met dezelfde Idempotency-Key wordt nog verwerkt. Probeer het over een moment opnieuw.")
    retry_after = 5


class LinkInvalid(PortalError):
    status = 410
    message = _("Deze link is al gebruikt of verlopen. Vraag een nieuwe aan.")


class UnsubscribeLinkInvalid(LinkInvalid):
    # nobody asks for a new unsubscribe link: the way out is the account page
    message = _(
        "Deze afmeldlink is niet compleet of niet geldig. Gebruik de link uit de e-mail in zijn geheel, of log in en pas uw keuzes aan onder ‘Mijn account’."
    )


class Forbidden(PortalError):
    status = 403
    message = _("U hebt geen toegang tot deze pagina.")


class TooManyAttempts(PortalError):
    status = 429
    message = _("U hebt het te vaak geprobeerd. Wacht een kwartier en probeer het dan opnieuw.")


class TooManyMails(TooManyAttempts):
    """An address had its mails for this hour; the same answer whether or not it has an account."""

    field = "email"  # a form shows it at the address typed, with the visitor's input kept
    message = _(
        "Naar dit e-mailadres zijn het afgelopen uur al genoeg e-mails gestuurd. Gebruik de laatste link "
        "die u kreeg, of probeer het over een uur opnieuw."
    )


class ServiceBusy(PortalError):
    """AWS throttled us, answered with a 5xx, or could not be reached: not the visitor's doing, and
    usually gone in a moment. Answered 503 with Retry-After, never as a 500."""

    status = 503
    message = _("Het is even te druk. Probeer het over een moment opnieuw.")
    retry_after = 5  # seconds, in the Retry-After header
