"""News: sanitised Markdown, publish moments, the feed, and organisers writing (Client, moto)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

from chalicelib.core import aws, config, richtext
from chalicelib.core.keys import audit_pk
from chalicelib.news.store import news_store
from tests.support.factories import in_days
from tests.support.stored import present
from tests.support.web import FormSession


def test_markdown_is_rendered_and_sanitised():
    html = str(
        richtext.render(
            "# Kop\n\n**vet** [link](https://nctv.nl) [kwaad](javascript:alert(1))\n\n<script>alert(1)</script>"
            "\n\n<img src=x onerror=alert(1)>\n\n![beeld](https://tracker.example/pixel.png)"
        )
    )
    assert "<h2>Kop</h2>" in html  # the page title is the only h1
    assert "<strong>vet</strong>" in html
    assert 'href="https://nctv.nl"' in html
    assert 'rel="noopener noreferrer"' in html
    # what could run or track is gone; refused markup may remain as visible, escaped text
    for bad in ('href="javascript', "<script", "<img", "onerror=alert(1)>", "tracker.example/pixel"):
        assert bad not in html


def test_organiser_writes_a_visible_article_and_a_scheduled_one(organiser, client, now):
    response = organiser.post(
        "/beheer/nieuws", {"title": "Netwerkbijeenkomst in Zwijndrecht", "body": "Meld je **nu** aan."}
    )
    assert response.status_code == 303
    organiser.post(
        "/beheer/nieuws",
        {"title": "Later nieuws", "body": "Nog even geduld.", "published_at": in_days(3).strftime("%Y-%m-%dT%H:%M")},
    )

    visitor = FormSession(client)
    listing = visitor.get("/nieuws").body.decode()
    assert "Netwerkbijeenkomst in Zwijndrecht" in listing
    assert "Later nieuws" not in listing
    article = visitor.get("/nieuws/netwerkbijeenkomst-in-zwijndrecht")
    assert "<strong>nu</strong>" in article.body.decode()
    assert visitor.get("/nieuws/later-nieuws").status_code == 404
    assert "Netwerkbijeenkomst in Zwijndrecht" in visitor.get("/").body.decode()  # home shows the latest

    now["value"] = in_days(4)
    assert "Later nieuws" in visitor.get("/nieuws").body.decode()


def test_the_atom_feed_is_valid_xml_with_escaped_content(organiser, client):
    organiser.post("/beheer/nieuws", {"title": "Titel met <tekens> & meer", "body": "Tekst met [link](https://om.nl)."})
    response = FormSession(client).get("/nieuws.atom")
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.body)  # noqa: S314 (our own feed, in a test)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    [entry] = feed.findall("a:entry", ns)
    assert present(entry.find("a:title", ns)).text == "Titel met <tekens> & meer"
    assert '<a href="https://om.nl"' in present(present(entry.find("a:content", ns)).text)


def test_invalid_articles_keep_input_and_save_nothing(organiser):
    response = organiser.post("/beheer/nieuws", {"title": "", "body": "x" * 20_001, "published_at": "morgen"})
    assert response.status_code == 422
    page = response.body.decode()
    assert "Dit veld is verplicht." in page
    assert "maximaal 20000 tekens" in page
    assert 'value="morgen"' in page
    assert news_store().newest(None, 10, None).items == []


def test_edit_delete_and_duplicate_titles_are_audited(organiser, now):
    organiser.post("/beheer/nieuws", {"title": "Bericht", "body": "Eerste versie."})
    assert organiser.post("/beheer/nieuws", {"title": "Bericht", "body": "Ander."}).status_code == 409
    assert "Eerste versie." in organiser.get("/beheer/nieuws/bericht").body.decode()
    organiser.post("/beheer/nieuws/bericht", {"title": "Bericht", "body": "Tweede versie."})
    assert present(news_store().get("bericht")).body == "Tweede versie."
    organiser.post("/beheer/nieuws/bericht/verwijderen", {})
    assert news_store().get("bericht") is None

    items = aws.dynamodb().query(
        TableName=config.table_name(),
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": audit_pk((in_days(0) - timedelta(0)).isoformat()[:7])}},
    )["Items"]
    actions = sorted(i["action"]["S"] for i in items if i["action"]["S"].startswith("news."))
    assert actions == ["news.created", "news.deleted", "news.updated"]
