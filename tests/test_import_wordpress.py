"""WordPress exports (WXR 1.0 to 1.2): posts and pages become articles, safely."""

import re
from pathlib import Path

import pytest

from archive.models import Article
from tests.fixtures.importing import FIXTURES, database_state, run_import

pytestmark = pytest.mark.django_db

WXR = FIXTURES / "wordpress.xml"
THEME_UNIT_TEST = Path("/work/shared/fixtures/wordpress/themeunittestdata.wordpress.xml")


def article(guid_post_id):
    return Article.objects.get(source_guid=f"https://campwatch.example.org/?{guid_post_id}")


def test_posts_and_pages_become_articles_and_the_rest_is_counted(db):
    output = run_import(WXR)
    assert "article     6 created, 0 updated, 0 unchanged, 0 skipped" in output
    assert "attachment  0 created, 0 updated, 0 unchanged, 1 skipped" in output
    assert "comment     0 created, 0 updated, 0 unchanged, 2 skipped" in output
    assert "menu item   0 created, 0 updated, 0 unchanged, 1 skipped" in output
    assert Article.objects.count() == 6


def test_post_fields(db):
    run_import(WXR)
    post = article("p=101")
    assert post.title == "Residents leave Camp Liberty"
    assert post.slug == "residents-leave-camp-liberty"
    assert post.status == "published"
    assert str(post.publication_date) == "2016-09-09"
    assert post.byline == "Hana Samadi"
    assert post.section == "Reports"
    assert [tag.name for tag in post.tags.order_by("name")] == [
        "Albania",
        "refugees",
        "resettlement",
    ]
    assert (
        post.source_url == "https://campwatch.example.org/2016/09/09/residents-leave-camp-liberty/"
    )
    assert post.summary == "The last residents left on Friday & flew to Albania."


def test_statuses(db):
    run_import(WXR)
    assert article("p=102").status == "draft"  # draft
    assert str(article("p=102").publication_date) == ""  # WordPress's 0000-00-00
    assert article("p=103").status == "draft"  # private
    assert article("p=104").status == "draft"  # password-protected
    assert article("p=104").title == "Members’ briefing"
    assert article("page_id=2").status == "published"  # a page


def test_body_is_sanitised_html_in_blank_line_blocks(db):
    run_import(WXR)
    post = article("p=101")
    assert post.paragraphs == [
        "<p>The last residents left the camp on <strong>Friday</strong>.<br>\n"
        "They were flown to Albania.</p>",
        '<p>Officials <a rel="nofollow noopener noreferrer">declined</a> to comment; see '
        '<a href="https://example.org/report" rel="nofollow noopener noreferrer">the report</a>.'
        "</p>",
        "<ul>\n<li>Flights: 3</li>\n<li>Residents: 280 &amp; more</li>\n</ul>",
    ]
    for dangerous in ("script", "onclick", "javascript:", "style=", "<img", "iframe", "onmouse"):
        assert dangerous not in post.body
    assert article("page_id=2").paragraphs == ["<h2>Who we are</h2>", "<p>We follow the camps.</p>"]


def test_capture_is_the_content_exactly_as_exported(db):
    run_import(WXR)
    post = article("p=101")
    assert post.capture_text.startswith("The last residents left the camp on <strong onclick=")
    assert '<script>alert("injected")</script>' in post.capture_text
    assert post.capture_verified


def test_importing_the_export_twice_changes_nothing(db):
    run_import(WXR)
    before = database_state()
    output = run_import(WXR)
    assert "article     0 created, 0 updated, 6 unchanged, 0 skipped" in output
    assert database_state()[1] == before[1]


def test_a_post_edited_in_wordpress_is_updated_by_its_guid(db, tmp_path):
    run_import(WXR)
    slug = article("p=101").slug
    changed = WXR.read_text(encoding="utf-8").replace(
        "<![CDATA[Residents leave Camp Liberty]]>", "<![CDATA[The last residents leave]]>"
    )
    path = tmp_path / "wordpress.xml"
    path.write_text(changed, encoding="utf-8")
    output = run_import(path)
    assert "article     0 created, 1 updated, 5 unchanged, 0 skipped" in output
    post = article("p=101")
    assert (post.title, post.slug) == ("The last residents leave", slug)


def test_wxr_1_1(db):
    run_import(FIXTURES / "wordpress-1.1.xml")
    post = Article.objects.get()
    assert (post.title, post.byline, post.section, str(post.publication_date)) == (
        "An older report",
        "Site Admin",
        "Camp Ashraf",
        "2011-04-08",
    )
    assert post.paragraphs == ["<p>Camp Ashraf was attacked.</p>", "<p>Many were hurt.</p>"]


@pytest.mark.skipif(not THEME_UNIT_TEST.exists(), reason="WordPress theme unit test data absent")
def test_wordpress_theme_unit_test_data(db):
    output = run_import(THEME_UNIT_TEST)
    assert "article     72 created, 0 updated, 0 unchanged, 0 skipped" in output
    assert "its GUID is also the GUID of item 125" in output
    assert "item 155: no title in WordPress: imported as “Untitled (2009-09-05)”" in output
    assert Article.objects.filter(status="draft").count() == 3  # draft, scheduled, password
    for body in Article.objects.values_list("body", flat=True):
        assert "<script" not in body and "<img" not in body and "<iframe" not in body
        assert not re.search(r"<a\b[^>]*>\s*</a>", body)  # links that held an image
        assert not re.search(r"\[/?(caption|gallery|audio|video|embed)\b", body)
    output = run_import(THEME_UNIT_TEST)
    assert "article     0 created, 0 updated, 72 unchanged, 0 skipped" in output


def test_imported_html_is_shown_as_sanitised_markup(client):
    run_import(WXR)
    post = article("p=101")
    assert post.body_format == "html"
    html = client.get(post.get_absolute_url()).content.decode()
    assert "<strong>Friday</strong>" in html
    assert '<a href="https://example.org/report" rel="nofollow noopener noreferrer">' in html
    assert "&lt;strong&gt;" not in html
    for dangerous in ("alert(", "steal()", "onmouseover", "javascript:", "tracker.example"):
        assert dangerous not in html
    assert post.body_text.startswith("The last residents left the camp on Friday.")


def test_html_slipped_into_a_stored_html_body_is_sanitised_again_on_the_page(client):
    run_import(WXR)
    post = article("p=101")
    Article.objects.filter(pk=post.pk).update(body='<p onclick="x()">Hi<script>bad()</script></p>')
    html = client.get(post.get_absolute_url()).content.decode()
    assert "<p>Hi</p>" in html
    assert "bad()" not in html
    assert "onclick" not in html


def test_markup_in_a_plain_text_body_is_escaped(client):
    run_import(WXR)
    post = article("p=101")
    Article.objects.filter(pk=post.pk).update(body="<b>bold</b> claim", body_format="text")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt; claim" in html


def test_search_indexes_the_text_of_an_html_body_not_its_markup(client):
    run_import(WXR)
    html = client.get("/search/", {"q": "flown"}).content.decode()
    assert "Residents leave Camp Liberty" in html
    assert "&lt;p&gt;" not in html
    assert "&lt;strong&gt;" not in html
