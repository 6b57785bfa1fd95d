"""Real WordPress archives (issue 11): status changes between exports, odd posts that must not
sink a whole export, metadata from older and other exporters, and what readers see of
WordPress's own markup."""

import re

import pytest

from archive.models import Article
from tests.fixtures.importing import (
    FIXTURES,
    assert_import_fails,
    database_state,
    run_import,
    write,
)

pytestmark = pytest.mark.django_db

WXR = FIXTURES / "wordpress.xml"
WXR_1_0 = FIXTURES / "wordpress-importer-valid-wxr-1.0.xml"
COAUTHORS = FIXTURES / "wordpress-coauthors.xml"
OTHER_EXPORTER = FIXTURES / "other-exporter.xml"
EMPTY_LINK = re.compile(r"<a\b[^>]*>\s*</a>")
LIBERTY = "https://campwatch.example.org/?p=101"
LIBERTY_STATUS = "<wp:status><![CDATA[publish]]></wp:status>\n\t\t<wp:post_parent>0"


def later_export(tmp_path, status):
    """The test export as WordPress writes it after the first post's status changed."""
    text = WXR.read_text(encoding="utf-8")
    assert text.count(LIBERTY_STATUS) == 1
    changed = LIBERTY_STATUS.replace("publish", status)
    return write(tmp_path, f"later-{status}.xml", text.replace(LIBERTY_STATUS, changed))


def assert_reimport_changes_nothing(path):
    before = database_state()
    output = run_import(path)
    assert " 0 created, 0 updated" in output, output
    assert database_state()[1] == before[1]


# A post whose status changed in WordPress


@pytest.mark.parametrize("status", ["trash", "private", "draft", "pending"])
def test_a_published_post_later_taken_down_is_no_longer_public(client, tmp_path, status):
    run_import(WXR)
    post = Article.objects.get(source_guid=LIBERTY)
    assert client.get(post.get_absolute_url()).status_code == 200
    assert "Residents leave Camp Liberty" in client.get("/search/", {"q": "flown"}).content.decode()

    later = later_export(tmp_path, status)
    output = run_import(later)
    assert "article     0 created, 1 updated, 5 unchanged" in output
    assert "item 1 “Residents leave Camp Liberty”" in output
    assert "no longer public (it is now a draft)" in output
    post.refresh_from_db()
    assert post.status == "draft"
    assert client.get(post.get_absolute_url()).status_code == 404
    found = client.get("/search/", {"q": "flown"}).content.decode()
    assert "Residents leave Camp Liberty" not in found
    assert_reimport_changes_nothing(later)


def test_a_trashed_post_never_imported_is_skipped(tmp_path):
    output = run_import(later_export(tmp_path, "trash"))
    assert "article     5 created, 0 updated, 0 unchanged, 1 skipped" in output
    assert "WordPress status “trash”: not imported" in output
    assert not Article.objects.filter(source_guid=LIBERTY).exists()


def test_the_trashed_post_keeps_its_stored_fields(tmp_path):
    run_import(WXR)
    before = Article.objects.values().get(source_guid=LIBERTY)
    run_import(later_export(tmp_path, "trash"))
    after = Article.objects.values().get(source_guid=LIBERTY)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"status", "updated_at", "import_run_id"}


# One odd post does not sink the export


def test_odd_links_and_shared_guids_from_another_exporter(client):
    output = run_import(OTHER_EXPORTER)
    assert "article  4 created, 0 updated, 0 unchanged, 0 skipped" in output
    assert "item 1 “Arrival”: its permalink “/2012/03/arrival.html” is not a usable" in output
    assert "item 4: its permalink “http://diary_old.example.org/?p=14” is not a usable" in output
    assert "item 3 “Third week”: its GUID is also the GUID of item 1 “Arrival”" in output
    assert "identified by its WordPress post ID instead" in output
    arrival = Article.objects.get(title="Arrival")
    assert (arrival.source_url, arrival.byline) == ("", "Reza Tehrani")
    second, third = Article.objects.filter(title__endswith="week").order_by("title")
    assert second.source_url == third.source_url == "http://diary.example.org/entry"
    assert {second.source_guid, third.source_guid} == {
        "http://diary.example.org/entry#wp-post-12",
        "http://diary.example.org/entry#wp-post-13",
    }
    for post in Article.objects.all():
        assert client.get(post.get_absolute_url()).status_code == 200
    assert_reimport_changes_nothing(OTHER_EXPORTER)


def test_a_title_too_long_for_an_article_is_shortened(tmp_path):
    long_title = "Residents leave " + "and leave " * 60
    text = WXR.read_text(encoding="utf-8").replace("Residents leave Camp Liberty", long_title)
    output = run_import(write(tmp_path, "long.xml", text))
    assert "its title is longer than 500 characters: shortened" in output
    post = Article.objects.get(source_guid=LIBERTY)
    assert len(post.title) == 500 and post.title.endswith("…")
    assert Article.objects.count() == 6


def test_a_structurally_broken_export_is_still_refused_whole(tmp_path):
    text = OTHER_EXPORTER.read_text(encoding="utf-8").replace("</item>", "</itm>", 1)
    path = write(tmp_path, "broken.xml", text)
    assert_import_fails(path, expect=["broken.xml, line", "the XML is malformed or cut short"])


# Metadata


def test_wxr_1_0_tags_from_the_wordpress_importer_test_data():
    output = run_import(WXR_1_0)
    assert "article  6 created" in output
    alpha = Article.objects.get(source_guid="http://localhost/?p=4")
    assert alpha.section == "alpha"
    assert sorted(tag.name for tag in alpha.tags.all()) == ["news", "roar"]
    child = Article.objects.get(source_guid="http://localhost/?p=6")
    assert sorted(tag.name for tag in child.tags.all()) == ["chicken", "face"]
    assert_reimport_changes_nothing(WXR_1_0)


def test_co_authors_plus_credits_every_author():
    run_import(COAUTHORS)
    three = Article.objects.get(source_guid="https://campwatch.example.org/?p=301")
    assert three.byline == "Hana Samadi, Omid Karimi and Lena Berg"
    one = Article.objects.get(source_guid="https://campwatch.example.org/?p=302")
    assert one.byline == "Omid Karimi"
    assert_reimport_changes_nothing(COAUTHORS)


def test_a_post_without_a_title_is_imported_as_untitled_with_its_date(client):
    output = run_import(WXR)
    assert "item 6: no title in WordPress: imported as “Untitled (2016-10-03)”" in output
    post = Article.objects.get(source_guid="https://campwatch.example.org/?p=105")
    assert (post.title, post.status) == ("Untitled (2016-10-03)", "published")
    assert "A post without a title." in client.get(post.get_absolute_url()).content.decode()


def test_an_unknown_wxr_version_is_refused(tmp_path):
    text = WXR.read_text(encoding="utf-8").replace(
        "<wp:wxr_version>1.2</wp:wxr_version>", "<wp:wxr_version>7.0</wp:wxr_version>"
    )
    path = write(tmp_path, "future.xml", text)
    assert_import_fails(
        path,
        expect=[
            "future.xml, line 15, field “wp:wxr_version”",
            "WXR version “7.0” is not one this importer reads (1.0, 1.1, 1.2)",
        ],
    )


# What readers see of WordPress markup


def test_shortcodes_become_a_caption_a_note_and_links(client):
    run_import(OTHER_EXPORTER)
    post = Article.objects.get(title="Arrival")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "[caption" not in html and "[gallery" not in html
    assert "[audio" not in html and "[embed" not in html
    assert "<figure><figcaption>The gate, the morning we arrived.</figcaption></figure>" in html
    assert "<em>[A gallery of images in the original post.]</em>" in html
    assert (
        '<a href="http://diary.example.org/audio/arrival.mp3" rel="nofollow noopener noreferrer">'
        "Audio: arrival.mp3</a>" in html
    )
    assert '<a href="https://video.example.org/watch/arrival"' in html


def test_linked_images_leave_their_alt_text_and_no_empty_link(client):
    run_import(OTHER_EXPORTER)
    post = Article.objects.get(title="Arrival")
    assert "<p>We came in through the north gate. Rows of tents</p>" in post.paragraphs
    assert "img/tents.jpg" not in post.body and "img/gate.jpg" not in post.body
    for body in Article.objects.values_list("body", flat=True):
        assert not EMPTY_LINK.search(body)


def test_form_labels_do_not_run_together():
    run_import(OTHER_EXPORTER)
    post = Article.objects.get(title="Third week")
    assert "Your name<br>Your email<br>Subscribe" in post.body
    assert "Your nameYour email" not in post.body_text
