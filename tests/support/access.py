"""Every route of the portal with a concrete path, and the status each kind of visitor gets there."""

from __future__ import annotations

SLUG = "netwerkbijeenkomst-test"
UNKNOWN = "A" * 43
ROLES = ("anonymous", "member", "organiser")

# what a route's placeholders are filled with in the path a test visits, unless its row names its own
STAND_INS = {
    "slug": SLUG,
    "token": UNKNOWN,
    "key": "0" * 32,
    "material_id": f"{SLUG}.000000000000",
    "speaker_id": "0" * 12,
    "question_id": "1",
    "position": "1",
    "export_id": "onbekend",
    "job_id": "onbekend",
}


def visit(method: str, route: str, **values: str) -> tuple[str, str, str]:
    """A row's key: the method, the route as declared, and the path visited (the route filled in)."""
    return method, route, route.format_map({**STAND_INS, **values})


# (method, route, path visited) -> expected status for anonymous, member, organiser.
# Bodies are empty forms: guarded routes refuse before reading them, open ones validate.
MATRIX = {
    visit("GET", "/"): (200, 200, 200),
    visit("GET", "/events"): (200, 200, 200),
    visit("GET", "/events/{slug}"): (200, 200, 200),
    visit("GET", "/events.ics"): (200, 200, 200),
    visit("GET", "/agenda/{feed}", feed=f"{UNKNOWN}.ics"): (404, 404, 404),  # the signed link is the credential
    visit("POST", "/events/{slug}/aanmelden"): (422, 422, 422),
    visit("GET", "/r/{token}"): (404, 404, 404),
    visit("GET", "/r/{token}/annuleren"): (404, 404, 404),
    visit("POST", "/r/{token}/annuleren"): (404, 404, 404),
    visit("GET", "/r/{token}/evaluatie"): (404, 404, 404),
    visit("GET", "/r/{token}/certificaat"): (404, 404, 404),
    visit("POST", "/r/{token}/evaluatie"): (404, 404, 404),
    visit("POST", "/r/{token}/workshops"): (404, 404, 404),
    visit("POST", "/r/{token}/deelname"): (404, 404, 404),
    visit("GET", "/privacy"): (200, 200, 200),
    visit("GET", "/.well-known/security.txt"): (200, 200, 200),
    visit("GET", "/toegankelijkheid"): (200, 200, 200),
    visit("GET", "/taal/{code}", code="en"): (303, 303, 303),
    visit("GET", "/static/{name}", name="portal.css"): (200, 200, 200),
    visit("GET", "/outbox"): (404, 404, 404),  # local stage with moto server only
    # every address no other route answers (one segment here: the fuzzer fills a route's segments)
    visit("GET", "/{proxy+}", **{"proxy+": "bestaat-niet"}): (404, 404, 404),
    visit("HEAD", "/{proxy+}", **{"proxy+": "bestaat-niet"}): (404, 404, 404),
    visit("GET", "/inloggen"): (200, 200, 200),
    visit("POST", "/inloggen"): (422, 422, 422),
    visit("GET", "/inloggen/{token}"): (200, 200, 200),  # a button; using it checks
    visit("POST", "/inloggen/{token}"): (410, 410, 410),
    visit("POST", "/uitloggen"): (303, 303, 303),
    visit("GET", "/account/aanvragen"): (200, 200, 200),
    visit("POST", "/account/aanvragen"): (422, 422, 422),
    visit("GET", "/account/bevestigen/{token}"): (200, 200, 200),
    visit("POST", "/account/bevestigen/{token}"): (410, 410, 410),
    visit("GET", "/account"): (303, 200, 200),
    visit("POST", "/account"): (401, 422, 422),
    visit("POST", "/account/verwijderen"): (401, 422, 422),
    visit("POST", "/account/agenda"): (401, 303, 303),
    visit("POST", "/account/themas"): (401, 303, 303),
    visit("GET", "/themas/afmelden/{token}"): (410, 410, 410),
    visit("POST", "/themas/afmelden/{token}"): (410, 410, 410),
    visit("GET", "/nieuwsbrief/afmelden/{token}"): (410, 410, 410),
    visit("POST", "/nieuwsbrief/afmelden/{token}"): (410, 410, 410),
    visit("GET", "/beheer/accounts"): (303, 403, 200),
    visit("POST", "/beheer/accounts/{key}/{status}", status="approved"): (401, 403, 404),
    visit("POST", "/beheer/nieuwsbrief/export"): (401, 403, 303),
    visit("GET", "/beheer/bijeenkomsten/{slug}/evaluatie"): (303, 403, 200),
    visit("GET", "/beheer/bijeenkomsten/{slug}/vragen"): (303, 403, 200),
    visit("POST", "/beheer/bijeenkomsten/{slug}/certificaten"): (401, 403, 409),  # before the meeting ended
    visit("GET", "/beheer/bijeenkomsten/{slug}/evaluatie/sluiten"): (303, 403, 303),  # not open: back to results
    visit("POST", "/beheer/bijeenkomsten/{slug}/evaluatie/sluiten"): (401, 403, 409),
    visit("POST", "/beheer/bijeenkomsten/{slug}/vragen"): (401, 403, 409),
    visit("GET", "/beheer/bijeenkomsten/{slug}/vragen/{question_id}"): (303, 403, 404),
    visit("POST", "/beheer/bijeenkomsten/{slug}/vragen/{question_id}"): (401, 403, 409),
    visit("POST", "/beheer/bijeenkomsten/{slug}/vragen/{question_id}/verwijderen"): (401, 403, 409),
    # the answers go out once the evaluation is closed
    visit("POST", "/beheer/bijeenkomsten/{slug}/evaluatie/export"): (401, 403, 409),
    visit("GET", "/beheer/exports/{export_id}"): (303, 403, 404),
    visit("GET", "/beheer/exports/{export_id}/status"): (303, 403, 404),
    visit("GET", "/beheer/exports/{export_id}/bestand"): (303, 403, 404),
    visit("GET", "/beheer/onbereikbaar"): (303, 403, 200),
    visit("POST", "/beheer/onbereikbaar/{key}/opheffen"): (401, 403, 404),
    visit("POST", "/account/bereikbaar"): (401, 303, 303),
    visit("GET", "/beheer/nieuwsbrief"): (303, 403, 200),
    visit("GET", "/beheer/verzendingen"): (303, 403, 200),
    visit("GET", "/beheer/verzendingen/{job_id}"): (303, 403, 404),
    visit("GET", "/beheer/verzendingen/{job_id}/voortgang"): (303, 403, 404),
    visit("POST", "/beheer/verzendingen/{job_id}/opnieuw"): (401, 403, 404),
    visit("POST", "/beheer/nieuwsbrief"): (401, 403, 422),
    visit("GET", "/spreker/{token}"): (410, 410, 410),
    visit("GET", "/spreker/{token}/klaar"): (410, 410, 410),
    visit("GET", "/spreker/{token}/bestanden/{material_id}/verwijderen", material_id="x.0"): (410, 410, 410),
    visit("POST", "/spreker/{token}/bestanden/{material_id}/verwijderen", material_id="x.0"): (410, 410, 410),
    visit("GET", "/kennisbank"): (200, 200, 200),
    visit("GET", "/kennisbank/{material_id}/download"): (303, 404, 404),
    visit("GET", "/beheer/materialen"): (303, 403, 200),
    visit("POST", "/beheer/materialen/{material_id}/{action}", action="publiceren"): (401, 403, 404),
    visit("GET", "/beheer/materialen/{material_id}/downloads"): (303, 403, 404),
    visit("GET", "/beheer"): (303, 403, 200),
    visit("POST", "/beheer/accounts/{key}/rol"): (401, 403, 404),
    visit("GET", "/beheer/bijeenkomsten"): (303, 403, 200),
    visit("POST", "/beheer/bijeenkomsten"): (401, 403, 422),
    visit("GET", "/beheer/bijeenkomsten/nieuw"): (303, 403, 200),
    visit("GET", "/beheer/bijeenkomsten/{slug}"): (303, 403, 200),
    # organisers' posts without the version they read are refused as stale (409)
    visit("POST", "/beheer/bijeenkomsten/{slug}"): (401, 403, 409),
    visit("GET", "/beheer/bijeenkomsten/{slug}/verwijderen"): (303, 403, 200),
    visit("POST", "/beheer/bijeenkomsten/{slug}/verwijderen"): (401, 403, 409),
    visit("GET", "/beheer/bijeenkomsten/{slug}/status/annuleren"): (303, 403, 200),
    visit("POST", "/beheer/bijeenkomsten/{slug}/status/annuleren"): (401, 403, 409),
    # without the changes it names, the notice page goes back to the event
    visit("GET", "/beheer/bijeenkomsten/{slug}/wijziging-mailen"): (303, 403, 303),
    visit("POST", "/beheer/bijeenkomsten/{slug}/wijziging-mailen"): (401, 403, 409),
    visit("POST", "/beheer/bijeenkomsten/{slug}/status/{action}", action="publiceren"): (401, 403, 409),
    visit("GET", "/beheer/bijeenkomsten/{slug}/programma"): (303, 403, 200),
    visit("POST", "/beheer/bijeenkomsten/{slug}/programma"): (401, 403, 409),
    visit("GET", "/beheer/bijeenkomsten/{slug}/programma/{position}"): (303, 403, 200),
    visit("POST", "/beheer/bijeenkomsten/{slug}/programma/{position}"): (401, 403, 409),
    visit("POST", "/beheer/bijeenkomsten/{slug}/programma/{position}/{action}", action="omlaag"): (401, 403, 409),
    visit("GET", "/beheer/bijeenkomsten/{slug}/aanmeldingen"): (303, 403, 200),
    visit("POST", "/beheer/bijeenkomsten/{slug}/export"): (401, 403, 303),
    visit("GET", "/beheer/bijeenkomsten/{slug}/aanmeldingen/{key}/{action}", action="annuleren"): (303, 403, 404),
    visit("POST", "/beheer/bijeenkomsten/{slug}/aanmeldingen/{key}/{action}", action="aanwezig"): (401, 403, 404),
    visit("GET", "/beheer/bijeenkomsten/{slug}/inchecken"): (303, 403, 200),
    visit("GET", "/beheer/bijeenkomsten/{slug}/inchecken/openen"): (303, 403, 200),  # before the meeting's day
    visit("POST", "/beheer/bijeenkomsten/{slug}/inchecken/openen"): (401, 403, 303),
    visit("GET", "/beheer/bijeenkomsten/{slug}/presentielijst"): (303, 403, 200),
    visit("GET", "/beheer/bijeenkomsten/{slug}/overzicht"): (303, 403, 200),
    visit("GET", "/beheer/bijeenkomsten/{slug}/bericht"): (303, 403, 200),
    visit("POST", "/beheer/bijeenkomsten/{slug}/bericht"): (401, 403, 422),
    visit("GET", "/beheer/bijeenkomsten/{slug}/sprekers"): (303, 403, 200),
    visit("POST", "/beheer/bijeenkomsten/{slug}/sprekers"): (401, 403, 422),
    visit("POST", "/beheer/bijeenkomsten/{slug}/sprekers/{speaker_id}/{action}", action="opnieuw"): (401, 403, 404),
    visit("GET", "/beheer/materialen/{material_id}"): (303, 403, 404),
    visit("POST", "/beheer/materialen/{material_id}"): (401, 403, 404),
    visit("GET", "/beheer/documenten/nieuw"): (303, 403, 200),
    visit("GET", "/beheer/documenten/klaar"): (303, 403, 404),
    visit("GET", "/beheer/domeinen"): (303, 403, 200),
    visit("POST", "/beheer/domeinen"): (401, 403, 422),
    visit("POST", "/beheer/domeinen/verwijderen"): (401, 403, 404),
    visit("GET", "/beheer/logboek"): (303, 403, 200),
    visit("GET", "/nieuws"): (200, 200, 200),
    visit("GET", "/nieuws.atom"): (200, 200, 200),
    visit("GET", "/nieuws/{slug}", slug="bestaat-niet"): (404, 404, 404),
    visit("GET", "/beheer/nieuws"): (303, 403, 200),
    visit("GET", "/beheer/netwerk"): (303, 403, 200),
    visit("POST", "/beheer/netwerk"): (401, 403, 422),
    visit("GET", "/beheer/netwerk/logo"): (303, 403, 404),  # back from S3 without a key: no upload
    visit("POST", "/beheer/netwerk/logo/verwijderen"): (401, 403, 303),  # no logo: nothing to remove
    visit("GET", "/logo/{name}", name=f"{'0' * 32}.png"): (404, 404, 404),
    visit("POST", "/beheer/nieuws"): (401, 403, 422),
    visit("GET", "/beheer/nieuws/{slug}", slug="bestaat-niet"): (303, 403, 404),
    visit("POST", "/beheer/nieuws/{slug}", slug="bestaat-niet"): (401, 403, 404),
    visit("POST", "/beheer/nieuws/{slug}/verwijderen", slug="bestaat-niet"): (401, 403, 404),
    visit("GET", "/api/v1/events"): (200, 200, 200),
    visit("GET", "/api/v1/kennisbank"): (200, 200, 200),
    visit("GET", "/api/v1/events/{slug}"): (200, 200, 200),
    visit("POST", "/api/v1/events/{slug}/registrations"): (422, 422, 422),
    visit("GET", "/api/v1/registrations/{token}"): (404, 404, 404),
    visit("DELETE", "/api/v1/registrations/{token}"): (404, 404, 404),
    visit("GET", "/api/v1/openapi.json"): (200, 200, 200),
    visit("GET", "/api/v1"): (200, 200, 200),
    # the paths before v1: a permanent redirect for one release
    visit("GET", "/api/events"): (308, 308, 308),
    visit("GET", "/api/kennisbank"): (308, 308, 308),
    visit("GET", "/api/events/{slug}"): (308, 308, 308),
    visit("POST", "/api/events/{slug}/registrations"): (308, 308, 308),
    visit("GET", "/api/registrations/{token}"): (308, 308, 308),
    visit("DELETE", "/api/registrations/{token}"): (308, 308, 308),
    visit("GET", "/api/openapi.json"): (308, 308, 308),
}
