"""Feeds carry plain text: a summary typed as HTML reaches a feed reader as text, not markup."""

from defusedxml import ElementTree
from taggit.models import Tag

from archive.models import Article, Person

from .public_helpers import publish

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = '<img src=x onerror="alert(1)"> & more'
# What a reader must render: the text itself, so the HTML-typed field holds it HTML-escaped.
ESCAPED = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; more"


def hostile_article():
    article = publish(Article, title=f"Title {HOSTILE}", summary=HOSTILE, slug="hostile")
    article.tags.add(f"tag {HOSTILE}")
    person = publish(Person, name=f"Name {HOSTILE}", slug="hostile-person")
    article.people.add(person)
    return article


def test_atom_summary_is_html_escaped_text(client, db):
    hostile_article()
    root = ElementTree.fromstring(client.get("/feeds/articles.atom").content)
    entry = root.find(f"{ATOM}entry")
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == ESCAPED
    # Atom titles are text constructs: XML escaping alone keeps them text.
    assert entry.find(f"{ATOM}title").get("type") in (None, "text")
    assert entry.find(f"{ATOM}title").text == f"Title {HOSTILE}"


def test_rss_title_and_description_are_html_escaped_text(client, db):
    hostile_article()
    tag = Tag.objects.get(name=f"tag {HOSTILE}")
    for url in (
        "/feeds/articles.rss",
        f"/feeds/tags/{tag.slug}.rss",
        "/feeds/people/hostile-person.rss",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        channel = ElementTree.fromstring(response.content).find("channel")
        item = channel.find("item")
        assert item.find("description").text == ESCAPED, url
        assert item.find("title").text == f"Title {ESCAPED}", url
        assert "<img" not in channel.find("title").text, url
        assert "<img" not in channel.find("description").text, url
        assert "<img" not in response.content.decode(), url


def test_atom_feeds_of_a_tag_and_a_person_keep_the_summary_escaped(client, db):
    hostile_article()
    tag = Tag.objects.get(name=f"tag {HOSTILE}")
    for url in (f"/feeds/tags/{tag.slug}.atom", "/feeds/people/hostile-person.atom"):
        root = ElementTree.fromstring(client.get(url).content)
        assert root.find(f"{ATOM}entry").find(f"{ATOM}summary").text == ESCAPED, url
