"""undo_import and the Import runs admin action: a run's records removed or brought back.

Run on SQLite (the default) and with DATABASE_URL pointing at PostgreSQL: both back ends must
behave the same.
"""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from taggit.models import Tag

from archive.importers.locking import _locked_file, lock_file_path
from archive.models import Affiliation, Article, ImportRun, Organization, Person
from archive.registry import RECORD_MODELS
from tests.fixtures.importing import FIXTURES, database_state, export, run_import, write

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rendered_every_time")]

ARTICLE = "a-shift-in-us-sympathies-regarding-the-mujahedeen-e-khalq"
ARTICLE_TITLE = "A Shift in U.S. Sympathies Regarding the Mujahedeen e-Khalq?"
SEED_TAGS = {"Iranian opposition", "refugees", "resettlement", "responsibility to protect"}
# Updates two seed records (values, links, affiliations, tags) and creates a person.
UPDATE = {
    "format": "archive",
    "version": 1,
    "people": [
        {
            "slug": "john-kerry",
            "name": "John F. Kerry",
            "aliases": ["Jfkalias"],
            "affiliations": [{"organization": "unhcr", "role": "Adviser"}],
            "tags": ["diplomats"],
        },
        {"slug": "hana-samadi", "name": "Hana Samadi", "status": "published"},
    ],
    "articles": [
        {"slug": ARTICLE, "people": ["john-kerry", "hana-samadi"], "tags": ["undo test"]},
    ],
}
UNDO_URL_NAME = "admin:archive_importrun_changelist"


def import_document(tmp_path, document, name="update.json"):
    """Import a JSON archive; returns its ImportRun."""
    run_import(write(tmp_path, name, json.dumps(document)))
    return ImportRun.objects.order_by("-pk").first()


def undo(run, *args):
    out, err = StringIO(), StringIO()
    call_command("undo_import", str(run.pk), *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def seed_run():
    return ImportRun.objects.get(command="load_seed")


def search_urls(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return [hit.url for hit in response.context["results"].page.object_list]


def without_times(exported, slugs=None):
    """An export with the times of the records ``slugs`` (or of all) left out."""
    document = json.loads(exported)
    for records in document.values():
        for record in records if isinstance(records, list) else []:
            if slugs is None or record.get("slug") in slugs:
                record.pop("created_at", None)
                record.pop("updated_at", None)
    return document


def slugs(manager):
    return sorted(manager.values_list("slug", flat=True))


def test_undo_removes_every_record_a_run_created(seed, client):
    before = database_state()
    run_import(FIXTURES / "organizations.csv", FIXTURES / "people.csv")
    run = ImportRun.objects.order_by("-pk").first()
    hana = Person.objects.get(slug="hana-samadi")
    assert search_urls(client, "Samadi") == [hana.get_absolute_url()]

    output = undo(run)

    assert "person" in output and "hana-samadi" in output
    assert not Person.objects.filter(slug="hana-samadi").exists()
    assert search_urls(client, "Samadi") == []
    assert client.get(hana.get_absolute_url()).status_code == 404
    counts, exported = database_state()
    assert exported == before[1]  # the seed as it was; the run's new tags gone too
    assert counts == {**before[0], "ImportRun": before[0]["ImportRun"] + 1}
    run.refresh_from_db()
    assert run.undone_at is not None  # marked undone, not deleted


def test_undo_brings_updated_records_back_with_their_links_tags_and_affiliations(
    seed, tmp_path, client
):
    before = export()
    kerry_url = Person.objects.get(slug="john-kerry").get_absolute_url()
    seed_people = slugs(Article.objects.get(slug=ARTICLE).people)
    run = import_document(tmp_path, UPDATE)
    kerry = Person.objects.get(slug="john-kerry")
    assert kerry.name == "John F. Kerry"
    assert [tag.name for tag in kerry.tags.all()] == ["diplomats"]
    assert search_urls(client, "Jfkalias")[0] == kerry_url  # and what links to him

    undo(run)

    kerry = Person.objects.get(slug="john-kerry")
    assert (kerry.name, kerry.aliases) == ("John Kerry", "Kerry")
    assert list(kerry.tags.all()) == []
    assert [(a.organization.slug, a.role) for a in kerry.affiliations.all()] == [
        ("state-department", "Secretary of State")
    ]
    article = Article.objects.get(slug=ARTICLE)
    assert slugs(article.people) == seed_people
    assert {tag.name for tag in article.tags.all()} == SEED_TAGS
    assert not Tag.objects.filter(name__in=["diplomats", "undo test"]).exists()
    assert search_urls(client, "Jfkalias") == []
    assert kerry_url in search_urls(client, "Kerry")
    assert "John Kerry" in client.get(kerry_url).content.decode()
    # The records are as they were before the run, but for the times of the two restored
    # ones: changed (back) by the undo.
    assert without_times(export(), ["john-kerry", ARTICLE]) == without_times(
        before, ["john-kerry", ARTICLE]
    )


def test_a_record_saved_before_history_was_kept_returns_to_its_state_before_the_run(db, tmp_path):
    Person.objects.create(slug="kept-before", name="Old Name")  # outside any revision
    people = [{"slug": "kept-before", "name": "New"}]
    document = {"format": "archive", "version": 1, "people": people}
    run = import_document(tmp_path, document)
    undo(run)
    assert Person.objects.get(slug="kept-before").name == "Old Name"


def test_dry_run_lists_what_would_change_and_changes_nothing(seed, tmp_path):
    run = import_document(tmp_path, UPDATE)
    before = database_state()

    output = undo(run, "--dry-run")

    assert database_state() == before
    assert "Dry run" in output
    assert "hana-samadi" in output and "john-kerry" in output and ARTICLE in output
    assert "1 removed" in output and "restored" in output
    run.refresh_from_db()
    assert run.undone_at is None
    undo(run)  # and it can still be undone for real
    assert not Person.objects.filter(slug="hana-samadi").exists()


def test_a_record_changed_after_the_run_stops_the_undo_and_is_named(seed, tmp_path):
    run = import_document(tmp_path, UPDATE)
    later = {
        "format": "archive",
        "version": 1,
        "people": [{"slug": "john-kerry", "description": "Changed again, later."}],
    }
    later_run = import_document(tmp_path, later, "later.json")
    before = database_state()

    with pytest.raises(CommandError) as refused:
        undo(run)

    message = str(refused.value)
    assert "person john-kerry" in message
    assert f"import run {later_run.pk}" in message
    assert "--force" in message and "Nothing was changed" in message
    assert database_state() == before
    run.refresh_from_db()
    assert run.undone_at is None


def test_force_keeps_the_later_edit_and_says_so_and_undoes_the_rest(seed, tmp_path):
    run = import_document(tmp_path, UPDATE)
    later = {
        "format": "archive",
        "version": 1,
        "people": [{"slug": "john-kerry", "description": "Changed again, later."}],
    }
    import_document(tmp_path, later, "later.json")

    output = undo(run, "--force")

    assert "kept" in output.lower() and "person john-kerry" in output
    kerry = Person.objects.get(slug="john-kerry")
    assert (kerry.name, kerry.description) == ("John F. Kerry", "Changed again, later.")
    assert not Person.objects.filter(slug="hana-samadi").exists()
    assert {tag.name for tag in Article.objects.get(slug=ARTICLE).tags.all()} == SEED_TAGS


def test_a_record_created_by_the_run_and_changed_later_is_kept_with_force(seed, tmp_path):
    run = import_document(tmp_path, UPDATE)
    later = {
        "format": "archive",
        "version": 1,
        "people": [{"slug": "hana-samadi", "description": "Added by hand later."}],
    }
    import_document(tmp_path, later, "later.json")
    with pytest.raises(CommandError, match="person hana-samadi"):
        undo(run)
    undo(run, "--force")
    assert Person.objects.get(slug="hana-samadi").description == "Added by hand later."
    assert Person.objects.get(slug="john-kerry").name == "John Kerry"


def test_a_later_save_that_kept_no_version_stops_the_undo_too(seed, tmp_path):
    run = import_document(tmp_path, UPDATE)
    kerry = Person.objects.get(slug="john-kerry")
    kerry.description = "Saved by a path that keeps no version."
    kerry.save()
    with pytest.raises(CommandError, match="person john-kerry"):
        undo(run)
    undo(run, "--force")
    kerry.refresh_from_db()
    assert (kerry.name, kerry.description) == (
        "John F. Kerry",
        "Saved by a path that keeps no version.",
    )


def test_a_new_record_that_a_later_record_links_to_is_not_removed_from_under_it(seed, tmp_path):
    run = import_document(tmp_path, UPDATE)
    later = {
        "format": "archive",
        "version": 1,
        "quotations": [{"slug": "later-words", "text": "Later words.", "people": ["hana-samadi"]}],
    }
    import_document(tmp_path, later, "later.json")
    with pytest.raises(CommandError) as refused:
        undo(run)
    assert "person hana-samadi" in str(refused.value)
    assert "quotation later-words links to it" in str(refused.value)

    undo(run, "--force")

    hana = Person.objects.get(slug="hana-samadi")
    assert slugs(hana.quotations) == ["later-words"]
    assert Person.objects.get(slug="john-kerry").name == "John Kerry"


def test_undoing_twice_is_a_clear_error(seed, tmp_path):
    run = import_document(tmp_path, UPDATE)
    undo(run)
    with pytest.raises(CommandError, match=f"Import run {run.pk} was already undone"):
        undo(run)


def test_an_unknown_run_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No import run 999"):
        call_command("undo_import", "999", stdout=StringIO())


def test_the_undo_is_recorded_in_history(seed, tmp_path):
    from reversion.models import Revision, Version

    run = import_document(tmp_path, UPDATE)
    undo(run)
    undone = Revision.objects.filter(comment__startswith=f"Undo of import run {run.pk} ")
    kept = {version.object_repr for version in Version.objects.filter(revision__in=undone)}
    assert {"John Kerry", "Hana Samadi", ARTICLE_TITLE} <= kept  # restored, and removed
    assert {revision.origin.action for revision in undone} == {"undo"}


@pytest.mark.skipif(
    "connection.vendor != 'sqlite'",
    reason="on PostgreSQL the lock is the transaction's, and a test's imports share its "
    "transaction (tests/test_import_concurrency.py runs imports in processes of their own)",
)
def test_an_undo_waits_for_a_running_import_then_says_the_archive_is_busy(seed, tmp_path):
    run = import_document(tmp_path, UPDATE)
    lock = _locked_file(lock_file_path(connection), 0)  # as another process's import holds it
    with lock, pytest.raises(CommandError) as busy:
        undo(run, "--wait", "0")
    assert "busy importing" in str(busy.value) and "Nothing was written" in str(busy.value)
    assert Person.objects.filter(slug="hana-samadi").exists()
    run.refresh_from_db()
    assert run.undone_at is None


def test_undoing_the_seed_import_leaves_an_empty_archive_and_reimporting_gives_the_same_export(
    seed, tmp_path
):
    seed_export = export()
    saved = write(tmp_path, "seed-export.json", seed_export)

    undo(seed_run())

    for model in RECORD_MODELS:
        assert model.objects.count() == 0, model
    assert Tag.objects.count() == 0
    assert Affiliation.objects.count() == 0
    empty = export()
    assert json.loads(empty)["tags"] == []

    run_import(saved)
    assert export() == seed_export
    # And the re-import can itself be undone, and done again, with the same result.
    undo(ImportRun.objects.order_by("-pk").first())
    assert export() == empty
    run_import(saved)
    assert export() == seed_export


def test_after_undoing_the_seed_load_seed_brings_the_same_records_back(seed):
    before = export()
    undo(seed_run())
    call_command("load_seed", stdout=StringIO())
    # The seed itself gives no times: the records are new ones, made now.
    assert without_times(export()) == without_times(before)


# The admin action


def changelist(client):
    return client.get(reverse(UNDO_URL_NAME))


def ask_to_undo(client, run, confirm=False, force=False):
    data = {"action": "undo_import_runs", "_selected_action": [run.pk]}
    if confirm:
        data["post"] = "yes"
    if force:
        data["force"] = "Undo the rest, keeping those records as they are"
    return client.post(reverse(UNDO_URL_NAME), data)


def test_editor_undoes_a_run_from_the_admin_after_a_confirmation_page(
    seed, tmp_path, editor_client, editor
):
    run = import_document(tmp_path, UPDATE)
    assert "undo_import_runs" in changelist(editor_client).content.decode()

    page = ask_to_undo(editor_client, run)

    assert page.status_code == 200
    content = page.content.decode()
    assert "hana-samadi" in content and "john-kerry" in content
    assert Person.objects.filter(slug="hana-samadi").exists()  # nothing done yet

    done = ask_to_undo(editor_client, run, confirm=True)

    assert done.status_code == 302
    assert not Person.objects.filter(slug="hana-samadi").exists()
    run.refresh_from_db()
    assert run.undone_by == editor and run.undone_at is not None
    listing = editor_client.get(done["Location"]).content.decode()
    assert f"Undid import run {run.pk}" in listing
    detail = editor_client.get(reverse("admin:archive_importrun_change", args=[run.pk]))
    assert "Undone at" in detail.content.decode()


def test_the_admin_refuses_a_run_changed_later_and_names_the_record(seed, tmp_path, editor_client):
    run = import_document(tmp_path, UPDATE)
    later = {"format": "archive", "version": 1, "people": [{"slug": "john-kerry", "roles": []}]}
    import_document(tmp_path, later, "later.json")
    page = ask_to_undo(editor_client, run)
    assert "person john-kerry" in page.content.decode()
    ask_to_undo(editor_client, run, confirm=True)
    run.refresh_from_db()
    assert run.undone_at is None
    assert Person.objects.filter(slug="hana-samadi").exists()

    kept = ask_to_undo(editor_client, run, confirm=True, force=True)

    assert kept.status_code == 302
    assert Person.objects.get(slug="john-kerry").roles == ""  # the later edit, kept
    assert not Person.objects.filter(slug="hana-samadi").exists()
    run.refresh_from_db()
    assert run.undone_at is not None


def test_contributors_neither_see_nor_run_the_undo_action(seed, tmp_path, contributor_client):
    run = import_document(tmp_path, UPDATE)
    assert changelist(contributor_client).status_code == 200
    assert "undo_import_runs" not in changelist(contributor_client).content.decode()

    ask_to_undo(contributor_client, run)
    ask_to_undo(contributor_client, run, confirm=True)

    run.refresh_from_db()
    assert run.undone_at is None
    assert Person.objects.filter(slug="hana-samadi").exists()
    assert Person.objects.get(slug="john-kerry").name == "John F. Kerry"


def test_the_confirmation_page_costs_the_same_queries_however_large_the_run(
    seed, tmp_path, editor_client
):
    def run_of(size):
        people = [{"slug": f"p{size}-{n}", "name": f"Person {n}"} for n in range(size)]
        orgs = [{"slug": f"o{size}-{n}", "name": f"Body {n}"} for n in range(size)]
        document = {"format": "archive", "version": 1, "people": people, "organizations": orgs}
        return import_document(tmp_path, document, f"run{size}.json")

    def queries(run):
        with CaptureQueriesContext(connection) as captured:
            assert ask_to_undo(editor_client, run).status_code == 200
        return len(captured)

    small, large = run_of(2), run_of(40)
    assert queries(small) == queries(large)
    assert Organization.objects.filter(slug__startswith="o40-").count() == 40
