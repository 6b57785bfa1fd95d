"""The language of the content (issue 16): articles' and quotations' language and
translations, in the models and admin, every import format and the exports, the pages'
lang/dir attributes and hreflang alternates, and Persian search.

The Persian text is Article 1 of the Universal Declaration of Human Rights (see
tests/fixtures/scripts/README.md); its English is the UN's English text of the same article.
"""

import json
import re
from pathlib import Path

import pytest
from defusedxml import ElementTree
from django.core.exceptions import ValidationError
from django.urls import reverse

from archive import languages
from archive.models import Article, Quotation, Status
from tests.fixtures.importing import assert_import_fails, export, lines_file, run_import, write

pytestmark = pytest.mark.django_db

SCRIPTS = Path(__file__).resolve().parent / "fixtures" / "scripts"
PERSIAN_CAPTURE = (SCRIPTS / "udhr-persian.txt").read_text(encoding="utf-8")
PERSIAN_TITLE = PERSIAN_CAPTURE.splitlines()[0]  # اعلامیه جهانی حقوق بشر
PERSIAN_TEXT = PERSIAN_CAPTURE.splitlines()[2]
ENGLISH_TITLE = "Universal Declaration of Human Rights"
ENGLISH_TEXT = (
    "All human beings are born free and equal in dignity and rights. They are endowed with "
    "reason and conscience and should act towards one another in a spirit of brotherhood."
)


def article(slug, title, language="", status=Status.PUBLISHED, **fields):
    return Article.objects.create(
        slug=slug, title=title, language=language, status=status, **fields
    )


def page(client, record):
    response = client.get(record.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def element(html, tag, attributes):
    """The opening tag of the first ``tag`` element carrying ``attributes`` (a substring)."""
    match = re.search(rf"<{tag}\b[^>]*{re.escape(attributes)}[^>]*>", html)
    assert match, f"no <{tag} ...{attributes}...>"
    return match.group(0)


@pytest.fixture
def persian_and_english(db):
    original = article("udhr-fa", PERSIAN_TITLE, "fa", body=PERSIAN_TEXT)
    english = article("udhr-en", ENGLISH_TITLE, "en", body=ENGLISH_TEXT, translation_of=original)
    return original, english


# The tags


@pytest.mark.parametrize(
    ("given", "stored"),
    [("fa", "fa"), ("FA", "fa"), ("fa-af", "fa-AF"), ("AZ-arab", "az-Arab"), ("ckb", "ckb"),
     ("en_GB", "en-GB"), ("", ""), ("  ar ", "ar")],
)  # fmt: skip
def test_language_tags_are_normalised_to_bcp_47_case(given, stored):
    assert languages.normalise(given) == stored
    record = Article(title="T", slug="t", language=given)
    record.full_clean()
    assert record.language == stored


@pytest.mark.parametrize("given", ["Persian", "f", "fa-", "fa--IR", "12", "fa IR", "x" * 40])
def test_what_is_not_a_language_tag_is_refused_with_a_message(given):
    with pytest.raises(ValidationError, match="not a language tag"):
        Article(title="T", slug="t", language=given).full_clean()


@pytest.mark.parametrize(
    ("tag", "direction"),
    [("fa", "rtl"), ("ar", "rtl"), ("ckb", "rtl"), ("ps", "rtl"), ("ur", "rtl"), ("he", "rtl"),
     ("yi", "rtl"), ("dv", "rtl"), ("sd", "rtl"), ("ug", "rtl"), ("fa-AF", "rtl"),
     ("az-Arab", "rtl"), ("pa-Arab", "rtl"), ("en", "ltr"), ("az", "ltr"), ("ku", "ltr"),
     ("tr", "ltr"), ("fa-Latn", "ltr"), ("", "")],
)  # fmt: skip
def test_direction_by_language_and_script(tag, direction):
    assert languages.direction(tag) == direction


def test_language_names():
    assert languages.name("fa") == "Persian"
    assert languages.name("ckb") == "Central Kurdish (Sorani)"
    assert languages.name("ps") == "Pashto"
    assert languages.name("fa-AF") == "Persian (fa-AF)"
    assert languages.name("") == ""


# Translations in the model and the admin


def test_a_translation_cannot_point_at_itself_or_make_a_loop(persian_and_english):
    original, english = persian_and_english
    original.translation_of = original
    with pytest.raises(ValidationError, match="loop of translations"):
        original.full_clean()
    original.translation_of = english  # english is a translation of original
    with pytest.raises(ValidationError, match="loop of translations"):
        original.full_clean()
    third = article("udhr-de", "Allgemeine Erklärung", "de", translation_of=english)
    original.translation_of = third  # original -> third -> english -> original
    with pytest.raises(ValidationError, match="loop of translations"):
        original.full_clean()
    third.full_clean()  # a translation of a translation is no loop


def test_the_admin_filters_and_searches_by_language_and_refuses_a_loop(
    persian_and_english, editor_client
):
    original, english = persian_and_english
    changelist = reverse("admin:archive_article_changelist")
    listed = editor_client.get(changelist, {"language": "fa"}).content.decode()
    assert PERSIAN_TITLE in listed and ENGLISH_TITLE not in listed
    found = editor_client.get(changelist, {"q": "en"}).content.decode()
    assert ENGLISH_TITLE in found
    form = editor_client.get(reverse("admin:archive_article_change", args=[original.pk]))
    assert 'name="language"' in form.content.decode()
    data = {
        "title": original.title, "slug": original.slug, "body": original.body,
        "body_format": "text", "language": "FA", "translation_of": english.pk,
        "status": "published", "publication_date": "", "tags": "",
        "quotations-TOTAL_FORMS": "0", "quotations-INITIAL_FORMS": "0",
    }  # fmt: skip
    response = editor_client.post(reverse("admin:archive_article_change", args=[original.pk]), data)
    assert response.status_code == 200
    assert "loop of translations" in response.content.decode()
    data["translation_of"] = ""
    response = editor_client.post(reverse("admin:archive_article_change", args=[original.pk]), data)
    assert response.status_code == 302
    original.refresh_from_db()
    assert original.language == "fa"  # stored in its conventional case


# Pages


def test_a_persian_article_reads_right_to_left_and_lists_its_translation(
    client, persian_and_english
):
    original, english = persian_and_english
    html = page(client, original)
    assert 'lang="fa" dir="rtl"' in element(html, "h1", "")
    assert element(html, "div", 'class="text" lang="fa" dir="rtl"')
    assert PERSIAN_TEXT in html
    assert "<dt>Language</dt><dd>Persian</dd>" in html
    translations = html[html.index('id="translations"') :]
    translations = translations[: translations.index("</section>")]
    link = element(translations, "a", 'href="/articles/udhr-en/"')
    assert 'hreflang="en"' in link and 'lang="en" dir="auto"' in link
    assert "a translation, in English" in translations
    head = html[: html.index("</head>")]
    assert '<link rel="alternate" hreflang="fa" href="http://testserver/articles/udhr-fa/">' in head
    assert '<link rel="alternate" hreflang="en" href="http://testserver/articles/udhr-en/">' in head


def test_the_translation_names_its_original_and_says_so_in_json_ld(client, persian_and_english):
    original, english = persian_and_english
    html = page(client, english)
    assert 'lang="en" dir="ltr"' in element(html, "h1", "")
    translations = html[html.index('id="translations"') :]
    assert "the original, in Persian" in translations[: translations.index("</section>")]
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["inLanguage"] == "en"
    assert data["translationOfWork"]["url"] == "http://testserver/articles/udhr-fa/"
    original_data = json.loads(
        re.search(r'application/ld\+json">(.*?)</script>', page(client, original), re.S).group(1)
    )
    assert original_data["inLanguage"] == "fa"
    assert [work["url"] for work in original_data["workTranslation"]] == [
        "http://testserver/articles/udhr-en/"
    ]


def test_drafts_are_never_listed_as_translations_nor_as_alternates(client, persian_and_english):
    original, english = persian_and_english
    article("udhr-ar", "الإعلان العالمي لحقوق الإنسان", "ar", translation_of=original,
            status=Status.DRAFT)  # fmt: skip
    html = page(client, original)
    assert "/articles/udhr-ar/" not in html
    assert 'hreflang="ar"' not in html
    assert "(1)" in html[html.index('id="translations"') :][:200]
    english.status = Status.DRAFT
    english.save()
    html = page(client, original)
    assert 'id="translations"' not in html
    assert english.get_absolute_url() not in html
    assert client.get(english.get_absolute_url()).status_code == 404


def test_text_of_unknown_language_claims_none(client):
    record = article("unknown", "Mixed مخلوط title", body="Some words.")
    html = page(client, record)
    assert 'lang="" dir="auto"' in element(html, "h1", "")
    assert element(html, "div", 'class="text" lang="" dir="auto"')
    assert "<dt>Language</dt>" not in html
    # No content alternates: only the interface's (the page in English and in Persian).
    head = html[: html.index("</head>")]
    assert re.findall(r'rel="alternate" hreflang="([^"]+)" href="([^"]+)"', head) == [
        ("en", "http://testserver/articles/unknown/"),
        ("fa", "http://testserver/fa/articles/unknown/"),
        ("x-default", "http://testserver/articles/unknown/"),
    ]


def test_atom_entries_say_their_texts_language_and_rss_stays_valid(client, persian_and_english):
    article("unknown", "Mixed words", body="Some words.")
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    atom = ElementTree.fromstring(client.get("/feeds/articles.atom").content)
    assert atom.get(xml_lang) == "en"  # the feed's own text: the interface's language
    entries = {
        entry.findtext("{http://www.w3.org/2005/Atom}title"): entry.get(xml_lang)
        for entry in atom.iter("{http://www.w3.org/2005/Atom}entry")
    }
    assert entries == {PERSIAN_TITLE: "fa", ENGLISH_TITLE: "en", "Mixed words": ""}
    rss = ElementTree.fromstring(client.get("/feeds/articles.rss").content)
    assert len(rss.findall("./channel/item")) == 3
    assert "lang" not in client.get("/feeds/articles.rss").content.decode().split("<item>")[1]


def test_titles_in_lists_and_names_take_their_direction_from_their_letters(
    client, persian_and_english
):
    html = client.get("/articles/").content.decode()
    assert element(html, "a", 'href="/articles/udhr-fa/" lang="fa" dir="auto"')
    assert element(html, "a", 'href="/articles/udhr-en/" lang="en" dir="auto"')


def test_quotations_carry_language_and_translations(client):
    original = Quotation.objects.create(
        slug="q-fa", text=PERSIAN_TEXT, language="fa", status=Status.PUBLISHED
    )
    english = Quotation.objects.create(
        slug="q-en", text=ENGLISH_TEXT, language="en", translation_of=original,
        status=Status.PUBLISHED,
    )  # fmt: skip
    html = page(client, original)
    assert element(html, "blockquote", 'lang="fa" dir="rtl"')
    assert '<link rel="alternate" hreflang="en" href="http://testserver/quotations/q-en/">' in html
    html = page(client, english)
    assert element(html, "blockquote", 'lang="en" dir="ltr"')
    assert "the original, in Persian" in html
    listed = client.get("/quotations/").content.decode()
    assert element(listed, "a", 'href="/quotations/q-fa/" lang="fa" dir="auto"')


@pytest.mark.parametrize("path", ["/articles/udhr-fa/", "/quotations/q-fa/"])
def test_the_translations_cost_one_query_however_many(
    client, django_assert_num_queries, rendered_every_time, path
):
    def build(languages_):
        kind = Article if path.startswith("/articles/") else Quotation
        field = "title" if kind is Article else "text"
        original = kind.objects.filter(slug__endswith="-fa").first() or kind.objects.create(
            slug=path.split("/")[2], language="fa", status=Status.PUBLISHED,
            **{field: PERSIAN_TITLE},
        )  # fmt: skip
        for code in languages_:
            kind.objects.create(
                slug=f"{original.slug}-{code}", language=code, translation_of=original,
                status=Status.PUBLISHED, **{field: f"{code} {ENGLISH_TITLE}"},
            )  # fmt: skip

    build(["en"])
    client.get(path)
    with django_assert_num_queries(0) as few:
        pass
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        html = client.get(path).content.decode()
    assert html.count('rel="alternate" hreflang=') == 2
    build(["ar", "ckb", "az", "de", "fr", "ru", "tr"])
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get(path).content.decode()
    assert html.count('rel="alternate" hreflang=') == 9
    del few


# Imports and exports


def test_json_import_links_a_translation_to_an_original_later_in_the_file(tmp_path):
    archive = {
        "format": "archive",
        "version": 1,
        "articles": [
            {"title": ENGLISH_TITLE, "slug": "udhr-en", "language": "EN",
             "translation_of": "udhr-fa"},
            {"title": PERSIAN_TITLE, "slug": "udhr-fa", "language": "fa"},
        ],
        "quotations": [
            {"text": ENGLISH_TEXT, "slug": "q-en", "language": "en", "translation_of": "q-fa"},
            {"text": PERSIAN_TEXT, "slug": "q-fa", "language": "fa"},
        ],
    }  # fmt: skip
    run_import(write(tmp_path, "archive.json", json.dumps(archive, ensure_ascii=False)))
    english = Article.objects.get(slug="udhr-en")
    assert (english.language, english.translation_of.slug) == ("en", "udhr-fa")
    assert Quotation.objects.get(slug="q-en").translation_of.slug == "q-fa"
    exported = json.loads(export())
    by_slug = {record["slug"]: record for record in exported["articles"]}
    assert by_slug["udhr-en"]["language"] == "en"
    assert by_slug["udhr-en"]["translation_of"] == "udhr-fa"
    assert by_slug["udhr-fa"]["translation_of"] is None
    quotations = {record["slug"]: record for record in exported["quotations"]}
    assert quotations["q-en"]["translation_of"] == "q-fa"
    assert quotations["q-fa"]["language"] == "fa"


def test_an_unknown_original_is_a_problem_with_its_line_and_nothing_is_written(tmp_path):
    lines = [
        {"record": "article", "title": PERSIAN_TITLE, "slug": "udhr-fa", "language": "fa"},
        {"record": "article", "title": ENGLISH_TITLE, "slug": "udhr-en", "language": "en",
         "translation_of": "no-such-article"},
    ]  # fmt: skip
    path = lines_file(tmp_path, *lines, name="a.jsonl")
    assert_import_fails(path, expect=["line 2", "no-such-article", "translation_of"])
    assert not Article.objects.exists()


def test_a_loop_of_translations_in_an_import_is_refused(tmp_path):
    lines = [
        {"record": "article", "title": "One", "slug": "one", "translation_of": "two"},
        {"record": "article", "title": "Two", "slug": "two", "translation_of": "one"},
        {"record": "article", "title": "Three", "slug": "three", "translation_of": "three"},
    ]
    path = lines_file(tmp_path, *lines, name="a.jsonl")
    assert_import_fails(path, expect=["line 1", "line 2", "line 3", "never make a loop"])


def test_a_bad_language_tag_in_an_import_is_a_problem(tmp_path):
    line = {"record": "quotation", "text": "Words.", "language": "Persian"}
    path = lines_file(tmp_path, line, name="q.jsonl")
    assert_import_fails(path, expect=["line 1", "language", "not a language tag"])


def test_a_text_capture_gives_language_and_original_in_its_front_matter(tmp_path):
    run_import(
        write(tmp_path, "fa.txt", "---\nlanguage: fa\nslug: udhr-fa\n---\n" + PERSIAN_CAPTURE)
    )
    english = f"---\nlanguage: en\ntranslation_of: udhr-fa\n---\n{ENGLISH_TITLE}\n{ENGLISH_TEXT}\n"
    run_import(write(tmp_path, "en.md", english))
    original = Article.objects.get(slug="udhr-fa")
    assert original.language == "fa" and original.title == PERSIAN_TITLE
    assert Article.objects.get(language="en").translation_of == original


WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>سایت</title>
  <language>{language}</language>
  <wp:wxr_version>1.2</wp:wxr_version>
  <item>
    <title>{title}</title>
    <link>https://example.org/?p=1</link>
    <guid isPermaLink="false">https://example.org/?p=1</guid>
    <content:encoded><![CDATA[<p>{text}</p>]]></content:encoded>
    <wp:post_id>1</wp:post_id>
    <wp:post_date>2016-09-12 10:00:00</wp:post_date>
    <wp:post_name>udhr</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>post</wp:post_type>
  </item>
</channel>
</rss>
"""


def test_a_wordpress_export_gives_its_articles_the_sites_language(tmp_path):
    xml = WXR.format(language="fa-IR", title=PERSIAN_TITLE, text=PERSIAN_TEXT)
    run_import(write(tmp_path, "site.xml", xml))
    assert Article.objects.get().language == "fa-IR"


def test_export_import_export_keeps_language_and_translations_byte_identical(
    tmp_path, persian_and_english
):
    Quotation.objects.create(slug="q-fa", text=PERSIAN_TEXT, language="fa")
    first = export()
    path = write(tmp_path, "export.json", first)
    for model in (Quotation, Article):
        model.objects.all().delete()
    run_import(path)
    assert export() == first
    lines = export("--format", "jsonl")
    path = write(tmp_path, "export.jsonl", lines)
    for model in (Quotation, Article):
        model.objects.all().delete()
    run_import(path)
    assert export("--format", "jsonl") == lines
    assert '"translation_of": "udhr-fa"' in lines


# Search


def test_a_persian_capture_is_found_with_mixed_letters_and_its_snippet_reads_right_to_left(
    client, tmp_path
):
    run_import(write(tmp_path, "udhr.txt", "---\nlanguage: fa\nstatus: published\n---\n"
                     + PERSIAN_CAPTURE))  # fmt: skip
    record = Article.objects.get()
    assert record.language == "fa" and record.capture_text == PERSIAN_CAPTURE
    # Arabic yeh and kaf, no zero-width non-joiner, for the text's Persian forms.
    for query in ("يكديگر", "میآیند", "می‌آیند", "برادري"):
        html = client.get("/search/", {"q": query}).content.decode()
        hit = html[html.index('class="search-hit"') :]
        assert record.get_absolute_url() in hit, query
        assert element(hit, "p", 'class="snippet" lang="fa" dir="rtl"'), query
        assert element(hit, "a", 'lang="fa" dir="auto"'), query
