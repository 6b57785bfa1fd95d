"""Revision history (issue 15): every change to a record is kept as a version with its links,
tags and affiliations, and a record can be returned to any version, deleted or not."""

import json

from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Revision

from archive import history
from archive.models import (
    Affiliation,
    Article,
    Event,
    ImportRun,
    Organization,
    Person,
    Place,
    Status,
)
from tests.fixtures.admin_forms import person_form
from tests.fixtures.importing import database_state, run_import, write

# The API


def test_a_save_inside_recording_keeps_a_version_with_who_and_why(db):
    user = User.objects.create_user("someone")
    with history.recording(user=user, comment="Spelling", action="admin"):
        person = Person.objects.create(name="Jon Kerry")

    (version,) = history.versions_of(person)
    assert version.revision.user == user
    assert version.revision.comment == "Spelling"
    assert version.revision.origin.action == "admin"
    assert history.snapshot(version).fields["name"] == "Jon Kerry"


def test_a_save_outside_recording_keeps_no_version(db):
    person = Person.objects.create(name="Unrecorded")
    assert list(history.versions_of(person)) == []


def test_a_version_holds_links_tags_and_affiliations(db):
    person = Person.objects.create(name="John Kerry")
    state = Organization.objects.create(name="Department of State")
    place = Place.objects.create(name="Geneva")
    event = Event.objects.create(title="Talks", date="2016", place=place)
    with history.recording():
        article = Article.objects.create(title="Talks in Geneva")
        article.people.add(person)
        article.events.add(event)
        article.tags.add("diplomacy", "syria")
        Affiliation.objects.create(person=person, organization=state, role="Secretary")
        history.record([person])

    data = history.snapshot(history.latest_version(article))
    assert data.links["people"] == [person.pk]
    assert data.links["events"] == [event.pk]
    assert data.tags == ["diplomacy", "syria"]
    person_data = history.snapshot(history.latest_version(person))
    assert person_data.rows["affiliations"] == [{"organization_id": state.pk, "role": "Secretary"}]


def test_a_tag_change_alone_is_a_new_version(db):
    with history.recording():
        article = Article.objects.create(title="Tagged")
    with history.recording(comment="Tags"):
        article.tags.add("refugees")

    newest, first = history.versions_of(article)
    assert history.snapshot(first).tags == []
    assert history.snapshot(newest).tags == ["refugees"]
    assert newest.revision.comment == "Tags"


def test_nested_recording_is_one_revision_kept_by_the_outer_one(db):
    with history.recording(comment="outer", action="merge"):
        Person.objects.create(name="A")
        with history.recording(comment="inner", action="admin"):
            Person.objects.create(name="B")
    (revision,) = Revision.objects.all()
    assert revision.comment == "outer"
    assert revision.origin.action == "merge"
    assert revision.version_set.count() == 2


def test_record_pks_keeps_the_records_as_stored(db, django_assert_max_num_queries):
    people = [Person.objects.create(name=f"Person {n}") for n in range(30)]
    Person.objects.filter(pk__in=[p.pk for p in people]).update(name="Renamed")
    # A query per relation per batch, not per record.
    with django_assert_max_num_queries(12):
        history.record_pks(Person, [p.pk for p in people], comment="Renamed")
    (revision,) = Revision.objects.all()
    assert revision.version_set.count() == 30
    assert {history.snapshot(v).fields["name"] for v in revision.version_set.all()} == {"Renamed"}


def test_an_open_revision_belongs_to_its_import_run_and_keeps_the_latest_version(db):
    run = ImportRun.objects.create(command="import_archive")
    opened = history.open_revision(import_run=run, comment="Import", action="import")
    person = Person.objects.create(name="First")
    opened.record([person])
    person.name = "Second"
    person.save()
    opened.record_pks(Person, [person.pk])

    assert run.revisions.get().revision == opened.revision
    (version,) = history.versions_of(person)
    assert history.snapshot(version).fields["name"] == "Second"


def test_version_before_is_what_the_record_was_before_a_revision(db):
    with history.recording():
        person = Person.objects.create(name="Before")
    opened = history.open_revision(action="import")
    person.name = "During"
    person.save()
    opened.record([person])
    with history.recording():
        person.name = "After"
        person.save()

    before = history.version_before(person, opened.revision)
    assert history.snapshot(before).fields["name"] == "Before"
    assert history.snapshot(history.version_in(person, opened.revision)).fields["name"] == "During"
    assert history.version_before(person, Revision.objects.order_by("pk").first()) is None


def test_revert_restores_fields_links_and_tags(db):
    person, other = Person.objects.create(name="One"), Person.objects.create(name="Two")
    with history.recording():
        article = Article.objects.create(title="Original title")
        article.people.add(person)
        article.tags.add("kept")
    first = history.latest_version(article)
    with history.recording():
        article.title = "Changed title"
        article.save()
        article.people.set([other])
        article.tags.set(["replaced"])

    history.revert(first)

    article.refresh_from_db()
    assert article.title == "Original title"
    assert list(article.people.all()) == [person]
    assert [tag.name for tag in article.tags.all()] == ["kept"]
    newest = history.latest_version(article)
    assert newest.revision.origin.action == "revert"
    assert history.snapshot(newest).links["people"] == [person.pk]


def test_a_deleted_record_is_found_and_restored_with_its_affiliations(db):
    state = Organization.objects.create(name="Department of State")
    with history.recording():
        person = Person.objects.create(name="John Kerry")
        person.tags.add("diplomats")
        Affiliation.objects.create(person=person, organization=state, role="Secretary")
        history.record([person])
    pk = person.pk
    person.delete()

    (version,) = history.deleted_versions(Person)
    restored = history.revert(version)

    assert restored.pk == pk
    assert Person.objects.get(pk=pk).name == "John Kerry"
    assert [(a.organization, a.role) for a in restored.affiliations.all()] == [(state, "Secretary")]
    assert [tag.name for tag in restored.tags.all()] == ["diplomats"]
    assert list(history.deleted_versions(Person)) == []


def test_every_kind_in_the_registry_is_kept():
    import reversion

    from archive.registry import BY_MODEL

    assert set(BY_MODEL) == set(reversion.get_registered_models())


def test_set_status_keeps_a_version_of_each_record_it_changes(db):
    people = [Person.objects.create(name=f"Person {n}") for n in range(3)]
    Person.objects.filter(pk__in=[p.pk for p in people[:2]]).publish()
    (revision,) = Revision.objects.all()
    assert revision.origin.action == "status"
    assert sorted(history.snapshot(v).pk for v in revision.version_set.all()) == sorted(
        p.pk for p in people[:2]
    )
    assert {history.snapshot(v).fields["status"] for v in revision.version_set.all()} == {
        "published"
    }


def test_restoring_a_deleted_record_restores_what_linked_to_it(db):
    place = Place.objects.create(name="Geneva")
    event = Event.objects.create(title="Talks", date="2016", place=place)
    article = Article.objects.create(title="Talks in Geneva")
    article.places.add(place)
    state = Organization.objects.create(name="Department of State")
    kerry = Person.objects.create(name="John Kerry")
    Affiliation.objects.create(person=kerry, organization=state, role="Secretary")

    history.record_deletion([place, state])
    place_pk = place.pk
    place.delete()
    state.delete()
    assert Event.objects.get(pk=event.pk).place is None

    for model in (Place, Organization):
        (version,) = history.deleted_versions(model)
        history.revert(version)

    assert Event.objects.get(pk=event.pk).place_id == place_pk
    assert [p.pk for p in article.places.all()] == [place_pk]
    assert [(a.organization.name, a.role) for a in kerry.affiliations.all()] == [
        ("Department of State", "Secretary")
    ]
    assert history.snapshot(history.latest_version(article)).links["places"] == [place_pk]


# The admin: every write path keeps a version


def admin_url(model, view, *args):
    return reverse(f"admin:archive_{model._meta.model_name}_{view}", args=args)


def test_adding_and_changing_in_the_admin_keeps_versions_with_who_tags_and_affiliations(
    editor, editor_client
):
    state = Organization.objects.create(name="Department of State")
    assert editor_client.post(admin_url(Person, "add"), person_form()).status_code == 302
    person = Person.objects.get()
    response = editor_client.post(
        admin_url(Person, "change", person.pk),
        person_form(
            slug=person.slug,
            name="Jane Q. Researcher",
            tags="sources, archivists",
            **{
                "affiliations-TOTAL_FORMS": "1",
                "affiliations-0-organization": state.pk,
                "affiliations-0-role": "Historian",
            },
        ),
    )
    assert response.status_code == 302

    changed, added = history.versions_of(person)
    assert added.revision.user == editor
    assert added.revision.origin.action == "admin"
    assert history.snapshot(added).fields["name"] == "Jane Researcher"
    assert history.snapshot(added).tags == ["sources"]
    assert changed.revision.user == editor
    assert "Changed" in changed.revision.comment
    data = history.snapshot(changed)
    assert data.fields["name"] == "Jane Q. Researcher"
    assert data.tags == ["archivists", "sources"]
    assert data.rows["affiliations"] == [{"organization_id": state.pk, "role": "Historian"}]


def test_the_publish_and_unpublish_actions_keep_versions_by_the_editor(editor, editor_client):
    drafts = [Person.objects.create(name=f"Person {n}") for n in range(3)]
    response = editor_client.post(
        admin_url(Person, "changelist"),
        {"action": "publish_selected", "_selected_action": [p.pk for p in drafts[:2]]},
    )
    assert response.status_code == 302
    (revision,) = Revision.objects.all()
    assert revision.user == editor
    assert sorted(int(v.object_id) for v in revision.version_set.all()) == [
        p.pk for p in drafts[:2]
    ]
    assert {history.snapshot(v).fields["status"] for v in revision.version_set.all()} == {
        "published"
    }


def test_deleting_in_the_admin_keeps_the_record_to_restore(editor, editor_client):
    person = Person.objects.create(name="John Kerry")
    article = Article.objects.create(title="Talks")
    article.people.add(person)
    response = editor_client.post(admin_url(Person, "delete", person.pk), {"post": "yes"})
    assert response.status_code == 302

    (version,) = history.deleted_versions(Person)
    assert version.revision.user == editor
    assert version.revision.origin.action == "delete"
    listing = editor_client.get(admin_url(Person, "deleted"))
    assert "John Kerry" in listing.content.decode()

    response = editor_client.post(admin_url(Person, "restore", version.pk))
    assert response.status_code == 302
    restored = Person.objects.get(name="John Kerry")
    assert list(article.people.all()) == [restored]


def test_the_delete_action_keeps_every_record_it_deletes(editor_client):
    people = [Person.objects.create(name=f"Person {n}") for n in range(3)]
    response = editor_client.post(
        admin_url(Person, "changelist"),
        {"action": "delete_selected", "_selected_action": [p.pk for p in people], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Person.objects.exists()
    assert history.deleted_versions(Person).count() == 3


def test_a_contributor_cannot_restore_a_deleted_record(contributor_client):
    person = Person.objects.create(name="Gone")
    history.record_deletion([person])
    person.delete()
    (version,) = history.deleted_versions(Person)
    response = contributor_client.post(admin_url(Person, "restore", version.pk))
    assert response.status_code == 403
    assert not Person.objects.exists()


# Imports: one revision per run, in bulk


def test_load_seed_keeps_one_revision_for_the_run_with_every_record(seed):
    run = ImportRun.objects.get()
    (origin,) = run.revisions.all()
    assert origin.action == "import"
    counts, _ = database_state()
    kinds = ("Article", "Person", "Organization", "Place", "Event", "Quotation")
    assert origin.revision.version_set.count() == sum(counts[kind] for kind in kinds)
    article = Article.objects.get()
    data = history.snapshot(history.version_in(article, origin.revision))
    assert data.links["people"] == sorted(article.people.values_list("pk", flat=True))
    assert data.tags == sorted(tag.name for tag in article.tags.all())


def test_an_import_that_updates_a_record_keeps_what_it_was_before(db, tmp_path):
    person = Person.objects.create(name="John Kerry", slug="john-kerry", roles="Senator")
    person.tags.add("senators")
    record = {"slug": "john-kerry", "name": "John Kerry", "roles": ["Secretary of State"]}
    doc = {"format": "archive", "version": 1, "people": [record]}
    run_import(write(tmp_path, "kerry.json", json.dumps(doc)))

    run = ImportRun.objects.get()
    revision = run.revisions.get().revision
    before = history.version_before(person, revision)
    assert before.revision.origin.action == "baseline"
    assert history.snapshot(before).fields["roles"] == "Senator"
    assert history.snapshot(before).tags == ["senators"]
    assert history.snapshot(history.version_in(person, revision)).fields["roles"] == (
        "Secretary of State"
    )

    # Again: nothing changes, no version is added, and no second baseline.
    run_import(write(tmp_path, "kerry.json", json.dumps(doc)))
    assert history.versions_of(person).count() == 2


def test_a_dry_run_import_keeps_no_revision(db, tmp_path):
    doc = {"format": "archive", "version": 1, "people": [{"name": "Someone"}]}
    path = write(tmp_path, "one.json", json.dumps(doc))
    call_command("import_archive", str(path), "--dry-run", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not Revision.objects.exists()


# The admin: history, diff, revert


def edited_person(client, **changes):
    """A person added then changed through the admin by ``client``'s user."""
    assert client.post(admin_url(Person, "add"), person_form()).status_code == 302
    person = Person.objects.get()
    form = person_form(slug=person.slug, **changes)
    assert client.post(admin_url(Person, "change", person.pk), form).status_code == 302
    return person


def test_the_history_page_lists_versions_with_who_and_what(editor_client):
    person = edited_person(editor_client, name="Jane Q. Researcher")
    response = editor_client.get(admin_url(Person, "history", person.pk))
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count("Revert to this version") == 1  # not the current one
    assert "editor" in content
    assert "Changed Name and Sort name." in content


def test_the_history_page_costs_the_same_queries_however_many_versions(editor_client):
    person = edited_person(editor_client, name="Second")
    url = admin_url(Person, "history", person.pk)
    few = count_queries(editor_client, url)
    for n in range(5):
        form = person_form(slug=person.slug, name=f"Name {n}", tags=f"tag {n}")
        editor_client.post(admin_url(Person, "change", person.pk), form)
    assert history.versions_of(person).count() == 7
    assert count_queries(editor_client, url) == few


def count_queries(client, url, data=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data)
    assert response.status_code == 200
    return len(queries)


def test_the_diff_names_links_and_tags_and_escapes(editor_client):
    kerry = Person.objects.create(name="John <b>Kerry</b>")
    with history.recording():
        article = Article.objects.create(title="Before")
        article.tags.add("old")
    old = history.latest_version(article)
    with history.recording():
        article.title = "After <script>alert(1)</script>"
        article.save()
        article.people.add(kerry)
        article.tags.set(["new"])
    new = history.latest_version(article)

    response = editor_client.get(
        admin_url(Article, "compare", article.pk), {"old": old.pk, "new": new.pk}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "<del>Before</del>" in content
    assert "<ins>After &lt;script&gt;alert(1)&lt;/script&gt;</ins>" in content
    assert "<ins>John &lt;b&gt;Kerry&lt;/b&gt;</ins>" in content
    assert "<del>old</del>" in content and "<ins>new</ins>" in content
    assert "<script>alert(1)" not in content


def test_an_editor_reverts_through_the_admin(editor, editor_client):
    person = edited_person(editor_client, name="Wrong Name", tags="wrong")
    first = history.versions_of(person).last()
    url = admin_url(Person, "revert", person.pk, first.pk)

    preview = editor_client.get(url)
    assert preview.status_code == 200
    assert "<del>Wrong Name</del>" not in preview.content.decode()  # that version vs now
    response = editor_client.post(url)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "Jane Researcher"
    assert [tag.name for tag in person.tags.all()] == ["sources"]
    newest = history.latest_version(person)
    assert newest.revision.user == editor
    assert newest.revision.origin.action == "revert"


def test_a_contributor_cannot_revert_a_published_record(editor_client, contributor):
    person = edited_person(editor_client, name="Second", status=Status.PUBLISHED)
    first = history.versions_of(person).last()
    editor_client.force_login(contributor)
    url = admin_url(Person, "revert", person.pk, first.pk)
    assert editor_client.get(url).status_code == 403
    assert editor_client.post(url).status_code == 403
    person.refresh_from_db()
    assert person.name == "Second"


def test_a_contributor_cannot_revert_someone_elses_draft(editor_client, contributor):
    person = edited_person(editor_client, name="Second")
    first = history.versions_of(person).last()
    editor_client.force_login(contributor)
    response = editor_client.post(admin_url(Person, "revert", person.pk, first.pk))
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.name == "Second"


def test_a_contributor_reverts_their_own_draft(contributor_client):
    person = edited_person(contributor_client, name="Second")
    first = history.versions_of(person).last()
    history_page = contributor_client.get(admin_url(Person, "history", person.pk))
    assert "Revert to this version" in history_page.content.decode()
    response = contributor_client.post(admin_url(Person, "revert", person.pk, first.pk))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "Jane Researcher"


def test_a_revert_to_a_draft_takes_the_record_off_the_public_site(editor_client, client):
    person = edited_person(editor_client, name="Public Name", status=Status.PUBLISHED)
    assert client.get(person.get_absolute_url()).status_code == 200
    first = history.versions_of(person).last()  # the draft it was added as
    editor_client.post(admin_url(Person, "revert", person.pk, first.pk))
    client.logout()
    assert client.get(person.get_absolute_url()).status_code == 404
    found = client.get("/search/", {"q": "Researcher"})
    assert person.get_absolute_url() not in found.content.decode()


# Public pages


def test_detail_pages_say_when_the_record_last_changed(db, client):
    place = Place.objects.create(name="Geneva", status=Status.PUBLISHED)
    Place.objects.filter(pk=place.pk).update(updated_at="2024-03-05T10:00:00Z")
    content = client.get(place.get_absolute_url()).content.decode()
    assert 'Last changed <time datetime="2024-03-05">5 March 2024</time>' in content


def test_an_article_says_whether_its_text_differs_from_the_capture(seed, client):
    article = Article.objects.get()
    assert article.capture_text
    assert "Unchanged from the capture" in client.get(article.get_absolute_url()).content.decode()

    article.body = article.body.replace("the", "teh", 1)
    article.save()
    content = client.get(article.get_absolute_url()).content.decode()
    assert "Edited since capture" in content
    assert "Unchanged from the capture" not in content


def test_an_article_without_a_capture_says_nothing_of_it(db, client):
    article = Article.objects.create(title="Plain", body="Text.", status=Status.PUBLISHED)
    content = client.get(article.get_absolute_url()).content.decode()
    assert "<dt>Text</dt>" not in content
    assert "Edited since capture" not in content
    assert "Unchanged from the capture" not in content


def test_createinitialrevisions_keeps_a_first_version_of_every_record(db):
    person = Person.objects.create(name="Before history")
    person.tags.add("old")
    call_command("createinitialrevisions", "archive.Person", stdout=open("/dev/null", "w"))  # noqa: SIM115
    (version,) = history.versions_of(person)
    assert history.snapshot(version).tags == ["old"]


def test_restoring_a_record_whose_slug_was_taken_since_says_so(editor_client):
    person = Person.objects.create(name="John Kerry", slug="john-kerry")
    history.record_deletion([person])
    person.delete()
    Person.objects.create(name="Another", slug="john-kerry")
    (version,) = history.deleted_versions(Person)
    response = editor_client.post(admin_url(Person, "restore", version.pk), follow=True)
    assert "another record now has this version" in response.content.decode()
    assert Person.objects.get().name == "Another"


def test_the_diff_costs_the_same_queries_however_many_links(editor_client):
    def article_with(count, suffix):
        people = [Person.objects.create(name=f"P {suffix} {n}") for n in range(count)]
        with history.recording():
            article = Article.objects.create(title=f"A {suffix}")
        with history.recording():
            article.people.set(people)
            article.tags.set([f"t {suffix} {n}" for n in range(count)])
        old, new = history.versions_of(article).order_by("pk")
        url = admin_url(Article, "compare", article.pk)
        return count_queries(editor_client, url, {"old": old.pk, "new": new.pk})

    assert article_with(2, "few") == article_with(30, "many")
