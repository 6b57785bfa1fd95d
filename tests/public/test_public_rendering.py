"""The article body as a reader sees it: escaped, structured, names linked at render time."""

import re

from archive.models import Article, Organization, Person, Place

from ..public_helpers import publish


def body_html(client, article):
    content = client.get(article.get_absolute_url()).content.decode()
    start = content.index('<h2 id="text-heading">Text</h2>') + len(
        '<h2 id="text-heading">Text</h2>'
    )
    body = content[start : content.index("</section>", start)].strip()
    # The text is in an element saying its language and direction (tested in test_languages).
    return re.sub(
        r'^<div class="text" lang="[^"]*" dir="[a-z]+">(.*)</div>$', r"\1", body, flags=re.S
    )


def article_with(body, title="An article", **links):
    article = publish(Article, title=title, body=body)
    for relation, records in links.items():
        getattr(article, relation).add(*records)
    return article


def test_stored_markup_is_shown_as_text_never_run(client, db):
    body = '<script>alert(1)</script>\n\n<a href="javascript:x">click</a> & <b>bold</b>'
    html = body_html(client, article_with(body))
    assert "<script>" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;a href=&quot;javascript:x&quot;&gt;click&lt;/a&gt; &amp; &lt;b&gt;bold" in html


def test_names_and_aliases_link_to_their_pages_and_the_stored_text_stays_verbatim(client, db):
    person = publish(Person, name="Jane Roe", aliases="Roe", slug="jane-roe")
    organization = publish(Organization, name="Relief Agency", acronym="RA", slug="relief")
    place = publish(Place, name="Camp North", aliases="North", slug="camp-north")
    body = "Roe spoke for the RA at Camp North.\n\nLater Jane Roe left North."
    article = article_with(body, people=[person], organizations=[organization], places=[place])
    html = body_html(client, article)
    assert '<a href="/people/jane-roe/">Roe</a> spoke' in html
    assert 'for the <a href="/organisations/relief/">RA</a> at' in html
    assert '<a href="/places/camp-north/">Camp North</a>' in html
    # Each record is linked at its first mention only.
    assert "Later Jane Roe left North." in html
    article.refresh_from_db()
    assert article.body == body


def test_longest_name_wins_and_links_never_nest(client, db):
    camp = publish(Place, name="Camp Ashraf", aliases="Ashraf", slug="camp-ashraf")
    town = publish(Place, name="Ashraf Town", slug="ashraf-town")
    article = article_with("They left Camp Ashraf for Ashraf Town.", places=[camp, town])
    html = body_html(client, article)
    assert html == (
        '<p>They left <a href="/places/camp-ashraf/">Camp Ashraf</a> for '
        '<a href="/places/ashraf-town/">Ashraf Town</a>.</p>'
    )
    assert not re.search(r"<a [^>]*>[^<]*<a ", html)


def test_names_match_whole_words_and_exact_case_only(client, db):
    iran = publish(Place, name="Iran", slug="iran")
    un = publish(Organization, name="United Nations", acronym="UN", slug="un")
    body = "Iranian and UNHCR staff, unlike the UN, never went to Iran."
    html = body_html(client, article_with(body, places=[iran], organizations=[un]))
    assert html == (
        '<p>Iranian and UNHCR staff, unlike the <a href="/organisations/un/">UN</a>, never went '
        'to <a href="/places/iran/">Iran</a>.</p>'
    )


def test_names_with_markup_characters_are_escaped_inside_links(client, db):
    organization = publish(Organization, name="Smith & <Sons>", slug="smith")
    html = body_html(
        client, article_with("Work for Smith & <Sons> today.", organizations=[organization])
    )
    assert '<a href="/organisations/smith/">Smith &amp; &lt;Sons&gt;</a>' in html


def test_only_records_linked_to_the_article_are_linked(client, db):
    publish(Place, name="Liberty", slug="liberty")
    html = body_html(client, article_with("Liberty matters."))
    assert "<a " not in html


def test_a_name_two_records_share_is_not_linked(client, db):
    one = publish(Person, name="Martin", slug="martin-one")
    two = publish(Person, name="Martin", slug="martin-two")
    html = body_html(client, article_with("Martin wrote.", people=[one, two]))
    assert html == "<p>Martin wrote.</p>"


def test_paragraphs_bullets_and_line_breaks(client, db):
    body = "Title\n\nFirst.\nSame paragraph.\n\n• one\n\n•\xa0two\n\nBetween.\n\n• three"
    html = body_html(client, article_with(body, title="Title"))
    assert html == (
        "<p>First.<br>Same paragraph.</p>\n"
        "<ul><li>one</li><li>two</li></ul>\n"
        "<p>Between.</p>\n"
        "<ul><li>three</li></ul>"
    )


def test_a_first_paragraph_that_is_not_the_title_is_kept(client, db):
    html = body_html(client, article_with("Not the title.\n\nMore.", title="Title"))
    assert html == "<p>Not the title.</p>\n<p>More.</p>"


def test_an_article_without_a_body_says_so(client, db):
    html = body_html(client, article_with(""))
    assert html == '<p class="empty">The text of this article is not recorded.</p>'


def test_seed_body_links_known_names(client, seed_article):
    html = body_html(client, seed_article)
    assert '<a href="/people/john-kerry/">John Kerry</a>' in html
    assert '<a href="/places/camp-ashraf/">Ashraf</a>' in html
    assert '<a href="/organisations/us-congress/">U.S. Congress</a>' in html
    assert (
        '<a href="/organisations/revolutionary-guard-corps/">Iran’s Revolutionary Guard Corps</a>'
        in html
    )
    # "Iran" inside "Iranian" is not a mention of Iran.
    assert ">Iran</a>ian" not in html


def test_windows_line_breaks_from_a_browser_still_make_paragraphs(client, db):
    html = body_html(client, article_with("First.\r\n\r\nSecond.\r\nSame."))
    assert html == "<p>First.</p>\n<p>Second.<br>Same.</p>"
