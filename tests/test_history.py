"""Revision history (issue 15): every change to a record is kept as a version with its links,
tags and affiliations, and a record can be returned to any version, deleted or not."""

from django.contrib.auth.models import User
from reversion.models import Revision

from archive import history
from archive.models import Affiliation, Article, Event, ImportRun, Organization, Person, Place

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
