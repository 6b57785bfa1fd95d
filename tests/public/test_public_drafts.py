"""Drafts appear nowhere public: lists, details, tags, feeds, sitemap, related links, counts."""

import pytest

from archive.models import Affiliation, Article, Event, Organization, Person, Place, Quotation

from ..public_helpers import ARTICLE_URL, LIST_PAGES, SITEMAP_SECTIONS, draft, hrefs, parse

PUBLIC_PAGES = [
    "/",
    *LIST_PAGES,
    "/tags/refugees/",
    ARTICLE_URL,
    "/people/john-mccain/",
    "/organisations/state-department/",
    "/places/camp-liberty/",
    "/events/2016-09-09-remaining-residents-depart/",
    "/quotations/kerry-significant-american-diplomatic-initiative/",
    "/feeds/articles.atom",
    "/feeds/articles.rss",
    "/feeds/tags/refugees.atom",
    "/feeds/people/john-kerry.rss",
    "/sitemap.xml",
    *SITEMAP_SECTIONS,
]


@pytest.fixture
def drafts(seed_article):
    """One draft of every kind, each linked to published records of the seed."""
    person = draft(Person, name="Hidden Person", slug="hidden-person")
    organization = draft(Organization, name="Hidden Organisation", slug="hidden-organisation")
    place = draft(Place, name="Hidden Place", slug="hidden-place")
    event = draft(Event, title="Hidden Event", slug="hidden-event", date="2016-09-10")
    article = draft(Article, title="Hidden Article", slug="hidden-article", body="Hidden text.")
    quotation = draft(Quotation, text="Hidden words", slug="hidden-words", article=seed_article)
    seed_article.people.add(person)
    seed_article.organizations.add(organization)
    seed_article.places.add(place)
    seed_article.events.add(event)
    seed_article.body += "\n\nHidden Person met Hidden Organisation at Hidden Place."
    seed_article.save()
    article.people.add(Person.objects.get(slug="john-kerry"))
    article.tags.add("refugees", "hidden-tag")
    person.tags.add("hidden-tag")
    event.people.add(Person.objects.get(slug="john-mccain"))
    quotation.people.add(Person.objects.get(slug="john-mccain"))
    Affiliation.objects.create(
        person=Person.objects.get(slug="john-mccain"), organization=organization
    )
    Affiliation.objects.create(
        person=person, organization=Organization.objects.get(slug="state-department")
    )
    Event.objects.filter(slug="2016-09-09-remaining-residents-depart").update(place=place)
    return [person, organization, place, event, article, quotation]


def test_drafts_are_a_404_for_the_public(client, drafts):
    for record in drafts:
        response = client.get(record.get_absolute_url())
        assert response.status_code == 404, record


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_no_public_page_links_to_or_names_a_draft(client, drafts, url):
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    if url == ARTICLE_URL:
        # The stored body names them, but as plain text, never linked.
        sentence = "<p>Hidden Person met Hidden Organisation at Hidden Place.</p>"
        assert sentence in content
        content = content.replace(sentence, "")
    for record in drafts:
        assert record.get_absolute_url() not in content, (url, record)
    for name in ["Hidden Person", "Hidden Organisation", "Hidden Event", "Hidden Article"]:
        assert name not in content, (url, name)
    assert "Hidden words" not in content
    assert "hidden-tag" not in content


def test_counts_and_tags_ignore_drafts(client, drafts):
    page = " ".join(client.get("/").content.decode().split())
    assert '<span class="number">1</span> articles' in page
    assert '<span class="number">13</span> people' in page
    tags = " ".join(client.get("/tags/").content.decode().split())
    assert '<a href="/tags/refugees/">refugees</a> <span class="count">(1)</span>' in tags
    assert client.get("/tags/hidden-tag/").status_code == 404
    # Only drafts carry it: not a public tag anywhere.
    for url in ["/feeds/tags/hidden-tag.atom", "/people/?tag=hidden-tag"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Hidden" not in response.content.decode()


def test_feeds_of_a_draft_person_are_a_404(client, drafts):
    assert client.get("/feeds/people/hidden-person.atom").status_code == 404
    assert client.get("/feeds/people/hidden-person.rss").status_code == 404


def test_published_event_with_a_draft_place_says_the_place_is_not_recorded(client, drafts):
    page = client.get("/events/2016-09-09-remaining-residents-depart/").content.decode()
    assert "<dt>Place</dt><dd>Not recorded</dd>" in page


def test_staff_may_preview_a_draft_marked_as_such(staff_client, drafts):
    for record in drafts:
        response = staff_client.get(record.get_absolute_url())
        assert response.status_code == 200, record
        content = response.content.decode()
        assert "Draft — not visible to the public." in content
        assert parse(response).meta["robots"] == ["noindex"]
        assert response["X-Robots-Tag"] == "noindex"
        assert "private" in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]


def test_staff_preview_still_hides_other_drafts_and_marks_nothing_published_as_draft(
    staff_client, drafts
):
    response = staff_client.get("/people/hidden-person/")
    assert "/organisations/state-department/" in hrefs(response)
    response = staff_client.get(ARTICLE_URL)
    assert response.status_code == 200
    assert "Draft — not visible" not in response.content.decode()
    assert "/people/hidden-person/" not in hrefs(response)
    assert staff_client.get("/people/").content.decode().count("hidden-person") == 0


def test_non_staff_users_cannot_preview(client, drafts, django_user_model):
    user = django_user_model.objects.create_user("reader", password="a-long-test-password")
    client.force_login(user)
    assert client.get("/people/hidden-person/").status_code == 404
