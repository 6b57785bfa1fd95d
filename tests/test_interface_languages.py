"""The interface in English and Persian: English at the site's addresses as they have always
been, Persian under /fa/ (archive/interface_languages.py), the language taken from the address
alone; the Persian translation complete; Solar Hijri dates on Persian pages
(archive/date_display.py).
"""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from archive.date_display import describe, solar_hijri
from archive.models import Article, Event, Organization, Person, Place, Quotation
from archive.models.dates import PartialDate
from archive.search.models import SearchEntry

from .public.test_public_queries import EXPECTED_QUERIES, build_archive
from .public_helpers import ARTICLE_URL, LIST_PAGES, parse

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "fa" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PERSIAN_HEADER = "جست‌وجو در آرشیو"  # "Search the archive", in every page's header
HTML_FA = '<html lang="fa" dir="rtl">'
HTML_EN = '<html lang="en" dir="ltr">'


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Each request activates its language in the thread (as Django's LocaleMiddleware does);
    the test code around them, and the tests after these, read in the default language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def one_of_each(model):
    return model.objects.published().order_by("pk").first().get_absolute_url()


@pytest.fixture
def public_pages(seeded):
    """An address of every kind of public HTML page, in English."""
    tag = Article.objects.get(slug=ARTICLE_URL.split("/")[2]).tags.first()
    return [
        "/",
        *LIST_PAGES,
        ARTICLE_URL,
        *(one_of_each(model) for model in (Person, Organization, Place, Event, Quotation)),
        f"/tags/{tag.slug}/",
        "/search/?q=Rajavi",
        "/search/",
        "/timeline/?year=2016",
    ]


# Every kind of page, in both languages


def test_every_public_page_answers_under_fa_in_persian(client, public_pages):
    for url in public_pages:
        assert not url.startswith("/fa/")
        response = client.get(f"/fa{url}")
        assert response.status_code == 200, url
        page = response.content.decode()
        assert HTML_FA in page, url
        assert PERSIAN_HEADER in page, url
        assert "Search the archive" not in page, url
        assert response["Content-Language"] == "fa"


def test_english_addresses_are_unchanged_and_english(client, public_pages):
    for url in public_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert HTML_EN in page, url
        assert "Search the archive" in page, url
        assert PERSIAN_HEADER not in page, url
        assert response["Content-Language"] == "en"


def test_persian_pages_link_to_persian_pages(client, seeded):
    links = {href for tag, href, rel in parse(client.get("/fa/")).links if tag == "a"}
    assert "/fa/articles/" in links and "/fa/timeline/" in links
    assert ARTICLE_URL.join(["/fa", ""]) in links or f"/fa{ARTICLE_URL}" in links
    assert not {link for link in links if link.startswith("/articles/")}
    # The one sitemap has one address in every language.
    assert "/sitemap.xml" in links


def test_persian_page_headings_and_kind_labels_are_translated(client, seeded):
    page = client.get("/fa/").content.decode()
    for persian in ("تازه‌ترین مقاله‌ها", "گاه‌شمار", "برچسب‌ها", "مقاله‌ها", "نقل‌قول‌ها"):
        assert persian in page
    people = client.get("/fa/people/").content.decode()
    assert "<h1>اشخاص</h1>" in people
    article = client.get(f"/fa{ARTICLE_URL}").content.decode()
    assert "ارجاع به این مقاله" in article  # "Cite this article"
    assert "اشخاص نام‌برده" in article  # "People mentioned"


def test_not_found_pages_are_in_the_language_of_the_address(client, seeded):
    persian = client.get("/fa/articles/no-such-article/")
    assert persian.status_code == 404
    assert HTML_FA in persian.content.decode()
    assert "صفحه پیدا نشد" in persian.content.decode()
    assert "هیچ موردی از نوع «مقاله»" in persian.content.decode()
    english = client.get("/articles/no-such-article/")
    assert english.status_code == 404
    assert "Page not found" in english.content.decode()
    assert "The archive has no article at the address" in english.content.decode()


def test_english_has_no_second_address_under_en(client, seeded):
    assert client.get("/en/").status_code == 404
    assert client.get("/en/articles/").status_code == 404


def test_machine_files_have_one_address(client, seeded):
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /search/" in robots and "Disallow: /fa/search/" in robots
    assert client.get("/fa/robots.txt").status_code == 404
    assert client.get("/fa/sitemap.xml").status_code == 404
    assert client.get("/fa/sitemap-article.xml").status_code == 404
    assert client.get("/sitemap.xml").status_code == 200


def test_persian_feeds_are_translated_and_link_to_persian_pages(client, seeded):
    feed = client.get("/fa/feeds/articles.atom").content.decode()
    assert "Archive: مقاله‌ها" in feed
    assert f"http://testserver/fa{ARTICLE_URL}" in feed
    english = client.get("/feeds/articles.atom").content.decode()
    assert "Archive: articles" in english
    assert f"http://testserver{ARTICLE_URL}" in english


# The language comes from the address only


def test_public_pages_ignore_the_cookie_and_accept_language(client, seeded):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa"
    english = client.get("/articles/", HTTP_ACCEPT_LANGUAGE="fa")
    assert HTML_EN in english.content.decode()
    assert "Accept-Language" not in english.get("Vary", "")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    persian = client.get("/fa/articles/", HTTP_ACCEPT_LANGUAGE="en")
    assert HTML_FA in persian.content.decode()
    assert "Accept-Language" not in persian.get("Vary", "")


def test_the_page_cache_keeps_each_language_apart(client, seeded, django_assert_num_queries):
    assert settings.ARCHIVE_PAGE_CACHE
    first = client.get("/people/", HTTP_ACCEPT_LANGUAGE="fa")
    assert HTML_EN in first.content.decode()
    with django_assert_num_queries(1):  # the stamp: served from the cache
        assert HTML_EN in client.get("/people/").content.decode()
    persian = client.get("/fa/people/", HTTP_ACCEPT_LANGUAGE="en")
    assert HTML_FA in persian.content.decode()
    with django_assert_num_queries(1):
        cached = client.get("/fa/people/")
    assert HTML_FA in cached.content.decode()
    with django_assert_num_queries(1):
        assert HTML_EN in client.get("/people/", HTTP_ACCEPT_LANGUAGE="fa").content.decode()


# The switcher and the alternates


def switcher_links(response):
    page = response.content.decode()
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', page, re.S).group(0)
    return dict(re.findall(r'<a href="([^"]+)" hreflang="(\w+)"', switcher))


def test_the_switcher_keeps_the_path_and_the_query(client, seeded):
    english = client.get("/articles/?year=2016&page=1&utm_source=x")
    # The query as the page understood it (its canonical address's), not whatever came.
    assert switcher_links(english) == {"/fa/articles/?year=2016": "fa"}
    assert switcher_links(client.get("/fa/timeline/?year=2016&x=y")) == {
        "/timeline/?year=2016": "en"
    }
    search = client.get("/search/", {"q": "Rajavi", "kind": "person", "utm": "y" * 500})
    assert switcher_links(search) == {"/fa/search/?q=Rajavi&amp;kind=person": "fa"}
    persian = client.get("/fa/people/")
    assert switcher_links(persian) == {"/people/": "en"}
    assert switcher_links(client.get("/fa/")) == {"/": "en"}
    assert switcher_links(client.get("/")) == {"/fa/": "fa"}
    # Every page has one, the current language marked.
    assert 'aria-current="true">فارسی</span>' in persian.content.decode()
    assert 'lang="fa">فارسی</a>' in english.content.decode()


def alternates(response):
    pattern = r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">'
    return dict(re.findall(pattern, response.content.decode()))


def test_pages_link_their_interface_alternates(client, seeded):
    expected = {
        "en": f"http://testserver{ARTICLE_URL}",
        "fa": f"http://testserver/fa{ARTICLE_URL}",
        "x-default": f"http://testserver{ARTICLE_URL}",
    }
    assert alternates(client.get(ARTICLE_URL)) == expected
    assert alternates(client.get(f"/fa{ARTICLE_URL}")) == expected
    assert alternates(client.get("/fa/events/?page=1"))["en"] == "http://testserver/events/"
    # Pages kept out of search engines (search results) name none.
    assert alternates(client.get("/fa/search/?q=Rajavi")) == {}


# The admin follows the editor's choice


def test_the_admin_follows_accept_language(editor_client):
    persian = editor_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fa")
    assert persian.status_code == 200
    page = persian.content.decode()
    assert 'lang="fa" dir="rtl"' in page
    assert "Log out" not in page
    assert "Accept-Language" in persian["Vary"]
    english = editor_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Log out" in english.content.decode()


def test_an_editor_picks_persian_for_the_admin(editor_client):
    page = editor_client.get("/admin/").content.decode()
    assert 'action="/i18n/setlang/"' in page and 'name="language"' in page
    response = editor_client.post("/i18n/setlang/", {"language": "fa", "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    persian = editor_client.get("/admin/").content.decode()
    assert 'lang="fa" dir="rtl"' in persian
    assert "Log out" not in persian
    # The public pages still take their language from the address.
    assert HTML_EN in editor_client.get("/").content.decode()


# Query counts: a Persian page costs what its English page costs


@pytest.mark.parametrize("url", [url for url in EXPECTED_QUERIES if not url.startswith("/sitemap")])
def test_persian_pages_cost_the_same_queries(
    client, db, django_assert_num_queries, rendered_every_time, url
):
    build_archive(3)
    assert client.get(f"/fa{url}").status_code == 200
    with django_assert_num_queries(EXPECTED_QUERIES[url]):
        response = client.get(f"/fa{url}")
    assert response.status_code == 200


# Solar Hijri dates


@pytest.mark.parametrize(
    "gregorian, solar",
    [
        ("2016-03-20", "۱ فروردین ۱۳۹۵"),  # Nowruz 1395
        ("2017-03-21", "۱ فروردین ۱۳۹۶"),
        ("1979-02-11", "۲۲ بهمن ۱۳۵۷"),
        ("2016-09-12", "۲۲ شهریور ۱۳۹۵"),
        # A month spans two Solar Hijri months, across a year's end too.
        ("2016-09", "شهریور–مهر ۱۳۹۵"),
        ("2016-03", "اسفند ۱۳۹۴ – فروردین ۱۳۹۵"),
        # A year spans two Solar Hijri years: "1395" for 2016 would be wrong.
        ("2016", "۱۳۹۴–۱۳۹۵"),
        ("2009", "۱۳۸۷–۱۳۸۸"),
        # No year, no Solar Hijri date; nothing known, nothing said.
        ("--08-02", ""),
        ("", ""),
    ],
)
def test_solar_hijri_dates_say_only_what_is_known(gregorian, solar):
    assert solar_hijri(PartialDate(gregorian)) == solar


def test_dates_read_in_the_language_of_the_page():
    with translation.override("fa"):
        assert describe(PartialDate("2016-09-12")) == ("۱۲ سپتامبر ۲۰۱۶", "۲۲ شهریور ۱۳۹۵")
        assert describe(PartialDate("2016")) == ("۲۰۱۶", "۱۳۹۴–۱۳۹۵")
        assert describe(PartialDate("--08-02")) == ("۲ اوت (سال ذکر نشده)", "")
        assert describe(PartialDate("")) == ("تاریخ نامعلوم", "")
    with translation.override("en"):
        assert describe(PartialDate("2016-09-12")) == ("12 September 2016", "")
        assert describe(PartialDate("")) == ("Date unknown", "")


def test_persian_pages_show_both_calendars(client, db):
    Event.objects.create(
        slug="e", title="E", date="2016-09-12", end_date="2016", status="published"
    )
    persian = client.get("/fa/events/e/").content.decode()
    assert '<time datetime="2016-09-12">۱۲ سپتامبر ۲۰۱۶</time>' in persian
    assert '<span class="solar-hijri">(۲۲ شهریور ۱۳۹۵ هجری خورشیدی)</span>' in persian
    assert '<span class="solar-hijri">(۱۳۹۴–۱۳۹۵ هجری خورشیدی)</span>' in persian
    english = client.get("/events/e/").content.decode()
    assert '<time datetime="2016-09-12">12 September 2016</time>' in english
    assert "solar-hijri" not in english


def test_search_hits_give_their_dates_in_the_pages_language(client, db):
    Event.objects.create(slug="e", title="Vigil", date="2016-09-12", status="published")
    Article.objects.create(
        slug="a", title="Vigil report", publication_date="2016", status="published"
    )
    Quotation.objects.create(slug="q", text="Vigil words.", date="--08-02", status="published")
    meta = re.compile(r'<p class="meta">([^<]*)</p>')
    english = meta.findall(client.get("/search/", {"q": "vigil"}).content.decode())
    assert sorted(english) == [
        "Article · 2016",
        "Event · 12 September 2016",
        "Quotation · 2 August (year not given)",
    ]
    persian = meta.findall(client.get("/fa/search/", {"q": "vigil"}).content.decode())
    assert "رویداد · ۱۲ سپتامبر ۲۰۱۶ (۲۲ شهریور ۱۳۹۵ هجری خورشیدی)" in persian
    assert any(line.endswith("۲۰۱۶ (۱۳۹۴–۱۳۹۵ هجری خورشیدی)") for line in persian)
    assert any(line.endswith("۲ اوت (سال ذکر نشده)") for line in persian)

    # An index written before kept the English text: read back where it can be.
    SearchEntry.objects.filter(kind="event").update(date="12 September 2016")
    SearchEntry.objects.filter(kind="quotation").update(date="2 August (year not given)")
    persian = meta.findall(client.get("/fa/search/", {"q": "vigil"}).content.decode())
    assert "رویداد · ۱۲ سپتامبر ۲۰۱۶ (۲۲ شهریور ۱۳۹۵ هجری خورشیدی)" in persian
    assert any(line.endswith("2 August (year not given)") for line in persian)


# The translation is complete, and what the site reads (.mo) is what the .po says


def read_po(path):
    """[(flags, msgctxt, msgid, msgid_plural, [msgstr, ...])] of a .po file."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        flags, fields, current = set(), {}, None
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[current] += eval(line)  # noqa: S307 (a C string literal of our own file)
            else:
                current, _, literal = line.partition(" ")
                fields[current] = eval(literal)  # noqa: S307
        if "msgid" in fields:
            plurals = [fields[key] for key in sorted(fields) if key.startswith("msgstr[")]
            entries.append(
                (
                    flags,
                    fields.get("msgctxt"),
                    fields["msgid"],
                    fields.get("msgid_plural"),
                    plurals or [fields["msgstr"]],
                )
            )
    return entries


def test_the_persian_translation_is_complete_and_compiled():
    entries = read_po(PO)
    header = entries[0]
    assert header[2] == "" and "Plural-Forms: nplurals=2; plural=(n > 1);" in header[4][0]
    messages = entries[1:]
    assert len(messages) > 200
    with MO.open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    for flags, context, msgid, plural, translations in messages:
        assert "fuzzy" not in flags, msgid
        assert all(translations), f"untranslated: {msgid}"
        if plural:
            assert compiled.npgettext(context, msgid, plural, 1) if context else True
            assert compiled.ngettext(msgid, plural, 1) == translations[0], msgid
            assert compiled.ngettext(msgid, plural, 5) == translations[1], msgid
        elif context:
            assert compiled.pgettext(context, msgid) == translations[0], msgid
        else:
            assert compiled.gettext(msgid) == translations[0], f".mo is stale for {msgid}"
        # Placeholders survive translation.
        for original, translated in zip([msgid, plural or msgid], translations, strict=False):
            assert sorted(re.findall(r"%\(\w+\)s", original)) == sorted(
                re.findall(r"%\(\w+\)s", translated)
            ), msgid


def test_every_marked_string_is_in_the_po_file():
    """Strings marked with a literal in the templates and the code are in the .po (run
    makemessages after marking new ones)."""
    known = {(context, msgid) for _f, context, msgid, _p, _t in read_po(PO)}
    marked = set()
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for quote in ('"', "'"):
            pattern = rf"{{% translate {quote}([^{quote}]*){quote}(?: context \"([^\"]*)\")?"
            marked |= {(context or None, msgid) for msgid, context in re.findall(pattern, text)}
    for module in (ROOT / "archive").rglob("*.py"):
        text = module.read_text(encoding="utf-8")
        marked |= {
            (None, m) for m in re.findall(r'\b(?:gettext|gettext_lazy|_)\("([^"]+)"\)', text)
        }
    assert marked
    assert marked - known == set()
