"""Names in every script: slugs, identity on import, addresses (issue 11).

The fixtures in ``tests/fixtures/scripts/`` are small real-world names and texts (see its
README for their origin and licence).
"""

from pathlib import Path
from urllib.parse import quote

import pytest
from django.urls import reverse

from archive.models import Article, Organization, Person, Status
from tests.fixtures.importing import assert_import_fails, database_state, run_import, write
from tests.public_helpers import sitemap_files

pytestmark = pytest.mark.django_db


def unchanged_state():
    """The archive as exported and the count of each kind of row, import runs aside."""
    counts, exported = database_state()
    return {name: n for name, n in counts.items() if name != "ImportRun"}, exported


SCRIPTS = Path(__file__).resolve().parent / "fixtures" / "scripts"


def test_cyrillic_names_keep_their_slugs_and_a_second_import_changes_nothing(tmp_path):
    run_import(SCRIPTS / "people-cyrillic.csv", "--kind", "person")
    # Latin names make the ASCII slugs they always made, so stored slugs stay found.
    run_import(write(tmp_path, "people.csv", "name\nLech Wałęsa\n"), "--kind", "person")
    assert Person.objects.get(name="Lech Wałęsa").slug == "lech-waesa"
    Person.objects.filter(name="Lech Wałęsa").delete()
    assert set(Person.objects.values_list("slug", flat=True)) == {
        "алексей-навальный",
        "валентина-матвиенко",
        "віталій-кличко",
        "володимир-зеленський",
        "сергей-лавров",
        "юлія-тимошенко",
    }
    before = unchanged_state()
    output = run_import(SCRIPTS / "people-cyrillic.csv", "--kind", "person")
    assert "person  0 created, 0 updated, 6 unchanged" in output
    assert unchanged_state() == before


def test_names_differing_only_in_chinese_are_two_records():
    run_import(SCRIPTS / "organizations-chinese.csv", "--kind", "organization")
    names = dict(Organization.objects.values_list("slug", "name"))
    assert names == {
        "xinhua-新华社": "Xinhua 新华社",
        "xinhua-新华网": "Xinhua 新华网",
        "联合国难民署": "联合国难民署",
        "联合国人权理事会": "联合国人权理事会",
    }
    before = unchanged_state()
    run_import(SCRIPTS / "organizations-chinese.csv", "--kind", "organization")
    assert unchanged_state() == before


def test_people_sharing_only_a_latin_title_are_not_duplicates():
    run_import(SCRIPTS / "people-titles.csv", "--kind", "person")
    assert set(Person.objects.values_list("slug", flat=True)) == {"dr-李文亮", "dr-钟南山"}


def test_a_different_name_making_a_stored_slug_is_refused_naming_both(tmp_path):
    run_import(SCRIPTS / "people-titles.csv", "--kind", "person")
    # "Dr 钟南山" makes the slug of "Dr. 钟南山"; a different spelling is not silently the same.
    other = write(tmp_path, "people.csv", "name\nDr 钟南山\n")
    assert_import_fails(
        other,
        "--kind",
        "person",
        expect=["“Dr 钟南山” makes the slug “dr-钟南山”", "the person “Dr. 钟南山”"],
    )
    assert Person.objects.get(slug="dr-钟南山").name == "Dr. 钟南山"


def test_the_same_name_in_other_case_and_spacing_is_the_same_record(tmp_path):
    run_import(SCRIPTS / "people-cyrillic.csv", "--kind", "person")
    again = write(tmp_path, "people.csv", "name,description\nсергей  лавров,Minister\n")
    output = run_import(again, "--kind", "person")
    assert "person  0 created, 1 updated" in output
    assert Person.objects.get(slug="сергей-лавров").description == "Minister"


def test_a_persian_capture_imported_twice_is_one_article():
    run_import(SCRIPTS / "udhr-persian.txt")
    article = Article.objects.get()
    assert article.slug == "اعلامیه-جهانی-حقوق-بشر"
    before = unchanged_state()
    run_import(SCRIPTS / "udhr-persian.txt")
    assert unchanged_state() == before


def test_wordpress_slugs_are_the_posts_own_names():
    run_import(SCRIPTS / "udhr-wordpress.xml")
    assert dict(Article.objects.values_list("title", "slug")) == {
        "世界人权宣言": "世界人权宣言",
        "UDHR 第一条": "udhr-第一条",
        "Άρθρο 1": "οικουμενική-διακήρυξη-άρθρο-1",
    }
    before = unchanged_state()
    run_import(SCRIPTS / "udhr-wordpress.xml")
    assert unchanged_state() == before


def test_an_invalid_or_repeated_post_name_falls_back_to_the_title(tmp_path):
    text = (SCRIPTS / "udhr-wordpress.xml").read_text(encoding="utf-8")
    text = text.replace("udhr-%e7%ac%ac%e4%b8%80%e6%9d%a1]]", "udhr%2F..%2Fx]]", 1)
    greek = quote("οικουμενική-διακήρυξη-άρθρο-1").lower()
    chinese = quote("世界人权宣言").lower()
    text = text.replace(f"[{greek}]]", f"[{chinese}]]", 1)
    run_import(write(tmp_path, "export.xml", text))
    assert dict(Article.objects.values_list("title", "slug")) == {
        "世界人权宣言": "世界人权宣言",
        "UDHR 第一条": "udhr-第一条",
        "Άρθρο 1": "άρθρο-1",
    }


def test_unicode_slugs_have_pages_links_and_sitemap_entries(client):
    run_import(SCRIPTS / "people-cyrillic.csv", "--kind", "person")
    run_import(SCRIPTS / "udhr-wordpress.xml")
    person = Person.objects.get(slug="сергей-лавров")
    url = person.get_absolute_url()
    assert url == "/people/" + quote("сергей-лавров") + "/"
    response = client.get(url)
    assert response.status_code == 200
    assert "Сергей Лавров" in response.content.decode()
    Person.objects.filter(slug="юлія-тимошенко").unpublish()
    assert client.get("/people/" + quote("юлія-тимошенко") + "/").status_code == 404
    assert (
        client.get(reverse("archive:person_rss", kwargs={"slug": person.slug})).status_code == 200
    )

    article = Article.objects.get(slug="udhr-第一条")
    page = client.get(article.get_absolute_url()).content.decode()
    encoded = "http://testserver/articles/udhr-" + quote("第一条") + "/"
    assert f'<link rel="canonical" href="{encoded}">' in page
    assert f'<meta property="og:url" content="{encoded}">' in page
    assert f'"url": "{encoded}"' in page  # JSON-LD
    assert "Archived in Archive, " in page and f"{encoded}</p>" in page  # Cite this
    sitemap = "".join(sitemap_files(client).values())
    assert f"<loc>{encoded}</loc>" in sitemap
    assert "第一条" not in sitemap  # every address percent-encoded
    feed = client.get("/feeds/articles.atom").content.decode()
    assert encoded in feed


def test_the_admin_adds_a_persian_name_with_its_own_slug(editor_client):
    url = reverse("admin:archive_person_add")
    assert "&quot;allowUnicode&quot;: true" in editor_client.get(url).content.decode()
    form = {
        "name": "شیرین عبادی",
        "slug": "",
        "sort_name": "",
        "aliases": "",
        "roles": "",
        "description": "",
        "status": Status.PUBLISHED,
        "tags": "",
        "affiliations-TOTAL_FORMS": "0",
        "affiliations-INITIAL_FORMS": "0",
        "affiliations-MIN_NUM_FORMS": "0",
        "affiliations-MAX_NUM_FORMS": "1000",
    }
    assert editor_client.post(url, form).status_code == 302
    assert Person.objects.get().slug == "شیرین-عبادی"
    form["name"], form["slug"] = "Shirin Ebadi", "شیرین-عبادی-۲"
    assert editor_client.post(url, form).status_code == 302
    assert Person.objects.filter(slug="شیرین-عبادی-۲").exists()


def search(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def publish(record):
    record.status = Status.PUBLISHED
    record.save()


def test_search_finds_russian_and_ukrainian_names_with_their_own_letters(client):
    run_import(SCRIPTS / "people-cyrillic.csv", "--kind", "person")
    navalny = Person.objects.get(slug="алексей-навальный").get_absolute_url()
    klitschko = Person.objects.get(slug="віталій-кличко").get_absolute_url()
    assert navalny in search(client, "Алексей")
    assert navalny in search(client, "АЛЕКСЕЙ НАВАЛЬНЫЙ")
    page = search(client, "Віталій")
    assert klitschko in page
    assert "<mark>Віталій</mark>" in page
    # й and ї are letters of their own, not и and і with an accent to fold away.
    assert navalny not in search(client, "Алексеи")
    assert klitschko not in search(client, "Вiталiй")


def test_search_finds_accented_greek_words_with_or_without_their_accents(client):
    run_import(SCRIPTS / "udhr-wordpress.xml")
    url = Article.objects.get(title="Άρθρο 1").get_absolute_url()
    for query in ("δικαιώματα", "δικαιωματα", "ΔΙΚΑΙΩΜΑΤΑ", '"πνεύμα αδελφοσύνης"'):
        assert url in search(client, query), query
    assert "<mark>δικαιώματα</mark>" in search(client, "ΔΙΚΑΙΩΜΑΤΑ")


def test_search_folds_persian_and_arabic_forms_together(client):
    run_import(SCRIPTS / "udhr-persian.txt")
    article = Article.objects.get()
    publish(article)
    url = article.get_absolute_url()
    # The text has Persian yeh and kaf and "می‌آیند" with a zero-width non-joiner; readers type
    # Arabic yeh and kaf, leave the non-joiner out, stretch a word with a tatweel, add harakat.
    for query in ("یکدیگر", "يكديگر", "میآیند", "می‌آیند", "برادری", "بـرادری", "بَرادری"):
        assert url in search(client, query), query
    # The word is marked whole, joiner and all.
    assert "<mark>می‌آیند</mark>" in search(client, "میآیند")


def test_two_names_making_one_slug_in_one_file_are_refused_naming_both(tmp_path):
    people = write(tmp_path, "people.csv", "name\nDr. 李文亮\nDr 李文亮\n")
    assert_import_fails(
        people,
        "--kind",
        "person",
        expect=["line 3", "“Dr 李文亮” makes the slug “dr-李文亮”", "the person “Dr. 李文亮”"],
    )
