"""Merging duplicates, through the admin's action and ``manage.py merge_records``."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from reversion.models import Revision

from archive import history
from archive.documents import add_file
from archive.models import (
    Affiliation,
    Article,
    Event,
    Merge,
    OldSlug,
    Organization,
    Person,
    Place,
    Quotation,
    Status,
)

from . import document_files
from .public_helpers import draft, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def mccains(db):
    """Two people who are one: every kind of link on the duplicate, some shared."""
    senate = publish(Organization, name="US Senate", slug="senate")
    navy = publish(Organization, name="US Navy", slug="navy")
    survivor = publish(Person, name="John McCain", slug="john-mccain", aliases="Senator McCain")
    duplicate = publish(
        Person, name="McCain", slug="mccain", aliases="J. McCain", roles="Senator", description=""
    )
    duplicate.tags.add("senators")
    survivor.tags.add("senators", "arizona")
    shared = publish(Article, title="Shared article", slug="shared")
    shared.people.add(survivor, duplicate)
    only_duplicate = publish(Article, title="Hearing on Camp Liberty", slug="hearing")
    only_duplicate.people.add(duplicate)
    event = publish(Event, title="Press release", slug="press-release")
    event.people.add(duplicate)
    quotation = publish(Quotation, text="Safe resettlement is vital.", slug="safe")
    quotation.people.add(duplicate)
    Affiliation.objects.create(person=survivor, organization=senate, role="Senator")
    Affiliation.objects.create(person=duplicate, organization=senate, role="Senator")
    Affiliation.objects.create(person=duplicate, organization=navy, role="")
    return survivor, duplicate


def merge(*args):
    out = io.StringIO()
    call_command("merge_records", *args, stdout=out)
    return out.getvalue()


def test_the_command_moves_everything_to_the_survivor(mccains, client):
    survivor, duplicate = mccains
    output = merge("person", "john-mccain", "mccain")
    assert "Merged “McCain” into “John McCain”" in output
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    survivor.refresh_from_db()
    assert survivor.alias_list == ["Senator McCain", "McCain", "J. McCain"]
    assert survivor.role_list == ["Senator"]
    assert sorted(a.slug for a in survivor.articles.all()) == ["hearing", "shared"]
    assert [e.slug for e in survivor.events.all()] == ["press-release"]
    assert [q.slug for q in survivor.quotations.all()] == ["safe"]
    # The shared affiliation is not repeated; the other one moves.
    assert sorted(
        (a.organization.slug, a.role) for a in Affiliation.objects.filter(person=survivor)
    ) == [("navy", ""), ("senate", "Senator")]
    assert not Affiliation.objects.exclude(person=survivor).exists()
    assert sorted(tag.name for tag in survivor.tags.all()) == ["arizona", "senators"]
    # The duplicate's address leads to the survivor.
    response = client.get("/people/mccain/")
    assert response.status_code == 301
    assert response["Location"] == "/people/john-mccain/"


def test_the_survivors_page_shows_what_moved(mccains, client):
    before = client.get("/people/john-mccain/").content.decode()  # cached for readers
    assert "Hearing on Camp Liberty" not in before
    merge("people", "john-mccain", "mccain")
    page = client.get("/people/john-mccain/").content.decode()
    for text in ("Hearing on Camp Liberty", "Press release", "Safe resettlement", "US Navy"):
        assert text in page


@pytest.mark.usefixtures("rendered_every_time")
def test_search_finds_what_the_duplicate_was_linked_to_by_the_survivors_name(client):
    survivor = publish(Person, name="Zbigniew Quirk", slug="quirk")
    duplicate = publish(Person, name="Xavier Quirkly", slug="xq")
    quotation = publish(Quotation, text="Words said once.", slug="words")
    quotation.people.add(duplicate)

    def found(q):
        return [hit.url for hit in client.get("/search/", {"q": q}).context["results"].page]

    assert "/quotations/words/" not in found("Zbigniew")
    merge("person", "quirk", "xq")
    assert "/quotations/words/" in found("Zbigniew")
    # The duplicate's name is an alias now: it finds the survivor, not a deleted record.
    assert found("Xavier")[0] == survivor.get_absolute_url()
    assert "/people/xq/" not in found("Xavier")


def test_old_slugs_of_the_duplicates_follow_them(mccains, client):
    _, duplicate = mccains
    duplicate.slug = "mccain-2"
    duplicate.save()
    merge("person", "john-mccain", "mccain-2")
    for old in ("mccain", "mccain-2"):
        assert client.get(f"/people/{old}/")["Location"] == "/people/john-mccain/"
    assert set(OldSlug.objects.filter(object_id=mccains[0].pk).values_list("slug", flat=True)) == {
        "mccain",
        "mccain-2",
    }


def test_places_take_events_and_articles(client):
    survivor = publish(Place, name="Camp Ashraf", slug="camp-ashraf")
    duplicate = publish(Place, name="Ashraf", slug="ashraf", aliases="Ashraf City")
    third = publish(Place, name="Ashraf camp", slug="ashraf-camp")
    event = publish(Event, title="Raid", slug="raid", place=duplicate)
    article = publish(Article, title="Report", slug="report")
    article.places.add(duplicate, third)
    merge("place", "camp-ashraf", "ashraf", "ashraf-camp")
    event.refresh_from_db()
    assert event.place == survivor
    assert list(survivor.articles.all()) == [article]
    survivor.refresh_from_db()
    assert survivor.alias_list == ["Ashraf", "Ashraf City", "Ashraf camp"]
    assert Place.objects.count() == 1


def test_organisations_take_their_members(client):
    survivor = publish(Organization, name="Mujahedeen e-Khalq", slug="mek", acronym="MEK")
    duplicate = publish(Organization, name="PMOI", slug="pmoi", acronym="PMOI")
    person = publish(Person, name="Maryam", slug="maryam")
    Affiliation.objects.create(person=person, organization=duplicate, role="Leader")
    merge("organisation", "mek", "pmoi")
    assert [a.organization for a in person.affiliations.all()] == [survivor]
    survivor.refresh_from_db()
    assert survivor.alias_list == ["PMOI"]


def test_dry_run_writes_nothing(mccains):
    survivor, duplicate = mccains
    output = merge("person", "john-mccain", "mccain", "--dry-run")
    assert "Dry run: nothing was written" in output
    assert "2 articles" in output and "2 affiliations" in output
    assert Person.objects.filter(pk=duplicate.pk).exists()
    survivor.refresh_from_db()
    assert survivor.aliases == "Senator McCain"
    assert not OldSlug.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["person", "john-mccain", "nobody"], "No person has the slug “nobody”"),
        (["person", "nobody", "mccain"], "No person has the slug “nobody”"),
        (["person", "john-mccain", "senate"], "“senate” is an organisation, not a person"),
        (["person", "john-mccain", "john-mccain"], "is the survivor and cannot also be"),
        (["person", "john-mccain", "mccain", "mccain"], "A duplicate is named twice"),
        (["article", "shared", "hearing"], "Cannot merge “article”"),
        (["people", "john-mccain"], "the following arguments are required: duplicates"),
    ],
)
def test_the_command_refuses_with_a_message(mccains, args, message):
    with pytest.raises(CommandError, match=message):
        merge(*args)
    assert Person.objects.count() == 2


# The admin action.


def changelist(model):
    return reverse(f"admin:archive_{model._meta.model_name}_changelist")


def test_the_admin_confirmation_shows_what_moves(mccains, editor_client):
    survivor, duplicate = mccains
    response = merge_confirmation(editor_client, survivor, duplicate)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose the record to keep" in page
    for text in ("2 articles", "1 events", "1 quotations", "2 affiliations", "J. McCain"):
        assert text in page
    assert Person.objects.count() == 2  # nothing merged yet


def test_the_admin_merges_into_the_record_chosen(mccains, editor_client):
    survivor, duplicate = mccains
    response = merge_in_admin(editor_client, duplicate, survivor)
    assert "Merged “John McCain” into “McCain”" in response.content.decode()
    assert list(Person.objects.all()) == [duplicate]
    duplicate.refresh_from_db()
    assert "John McCain" in duplicate.alias_list


def test_one_record_is_not_a_merge(mccains, editor_client):
    survivor, _ = mccains
    response = merge_confirmation(editor_client, survivor, follow=True)
    assert "Select two or more records" in response.content.decode()


def test_contributors_cannot_merge(mccains, contributor_client):
    survivor, duplicate = mccains
    response = contributor_client.get(changelist(Person))
    assert "merge_selected" not in response.content.decode()
    merge_in_admin(contributor_client, survivor, duplicate)
    assert Person.objects.count() == 2


def test_contributors_cannot_merge_drafts_either(contributor_client):
    first, second = draft(Place, name="A", slug="a"), draft(Place, name="B", slug="b")
    merge_in_admin(contributor_client, first, second)
    assert Place.objects.count() == 2


@pytest.mark.parametrize("model", [Person, Organization, Place], ids=lambda m: m.__name__)
def test_editors_are_offered_the_merge_on_people_organisations_and_places(editor_client, model):
    assert "merge_selected" in editor_client.get(changelist(model)).content.decode()


@pytest.mark.parametrize("model", [Article, Event, Quotation], ids=lambda m: m.__name__)
def test_other_kinds_have_no_merge(editor_client, model):
    assert "merge_selected" not in editor_client.get(changelist(model)).content.decode()


def test_a_draft_survivor_keeps_its_status(client):
    survivor = draft(Person, name="Kept", slug="kept")
    publish(Person, name="Gone", slug="gone")
    merge("person", "kept", "gone")
    survivor.refresh_from_db()
    assert survivor.status == Status.DRAFT
    # Its old addresses are as private as it is.
    assert client.get("/people/gone/").status_code == 404


# History: the merge is one revision, and it can be reverted.


def merge_confirmation(client, *records, follow=False):
    """The merge action on ``records``, before the survivor is chosen."""
    return client.post(
        changelist(type(records[0])),
        {"action": "merge_selected", "_selected_action": [record.pk for record in records]},
        follow=follow,
    )


def merge_in_admin(client, survivor, *duplicates):
    model = type(survivor)
    return client.post(
        changelist(model),
        {
            "action": "merge_selected",
            "_selected_action": [survivor.pk, *(record.pk for record in duplicates)],
            "survivor": survivor.pk,
            "post": "yes",
        },
        follow=True,
    )


def revert_in_admin(client, merge_record):
    return client.post(
        changelist(Merge),
        {"action": "revert_selected", "_selected_action": [merge_record.pk]},
        follow=True,
    )


def test_the_merge_is_one_revision_in_history(mccains, editor_client, editor):
    survivor, duplicate = mccains
    merge_in_admin(editor_client, survivor, duplicate)
    (revision,) = Revision.objects.all()
    assert revision.comment == "Merged “McCain” into “John McCain”"
    assert revision.user == editor
    assert revision.merge.survivor_id == survivor.pk
    kept = {(v.content_type.model, int(v.object_id)) for v in revision.version_set.all()}
    article_pks = {a.pk for a in Article.objects.all()}
    assert {("person", survivor.pk), ("person", duplicate.pk)} <= kept
    assert {("article", pk) for pk in article_pks} <= kept
    # The survivor's version is what it became; the duplicate's, what it was.
    assert "McCain" in history.snapshot(history.version_in(survivor, revision)).fields["aliases"]
    old = history.snapshot(history.version_in(Person, revision, pk=duplicate.pk))
    assert old.fields["name"] == "McCain"
    assert len(old.rows["affiliations"]) == 2
    assert old.tags == ["senators"]


def test_reverting_the_merge_restores_the_duplicate_with_its_links(mccains, editor_client, client):
    survivor, duplicate = mccains
    before = {
        "articles": sorted(a.slug for a in duplicate.articles.all()),
        "events": [e.slug for e in duplicate.events.all()],
        "quotations": [q.slug for q in duplicate.quotations.all()],
        "affiliations": sorted((a.organization.slug, a.role) for a in duplicate.affiliations.all()),
    }
    merge_in_admin(editor_client, survivor, duplicate)
    merge_record = Merge.objects.get()
    page = editor_client.get(changelist(Merge)).content.decode()
    assert "Merged “McCain” into “John McCain”" in page
    response = revert_in_admin(editor_client, merge_record)
    assert "Reverted: Merged “McCain” into “John McCain”" in response.content.decode()

    restored = Person.objects.get(pk=duplicate.pk)
    assert (restored.name, restored.slug, restored.aliases) == ("McCain", "mccain", "J. McCain")
    assert sorted(a.slug for a in restored.articles.all()) == before["articles"]
    assert [e.slug for e in restored.events.all()] == before["events"]
    assert [q.slug for q in restored.quotations.all()] == before["quotations"]
    assert (
        sorted((a.organization.slug, a.role) for a in restored.affiliations.all())
        == before["affiliations"]
    )
    assert [tag.name for tag in restored.tags.all()] == ["senators"]
    survivor.refresh_from_db()
    assert survivor.aliases == "Senator McCain"
    assert survivor.roles == ""
    assert sorted(a.slug for a in survivor.articles.all()) == ["shared"]
    assert not survivor.events.exists() and not survivor.quotations.exists()
    assert [(a.organization.slug, a.role) for a in survivor.affiliations.all()] == [
        ("senate", "Senator")
    ]
    assert sorted(tag.name for tag in survivor.tags.all()) == ["arizona", "senators"]
    assert not OldSlug.objects.exists()
    editor_client.logout()
    assert client.get("/people/mccain/").status_code == 200
    assert "Hearing on Camp Liberty" not in client.get("/people/john-mccain/").content.decode()
    # The revert is a revision of its own.
    assert Revision.objects.filter(comment__startswith="Reverted: Merged").count() == 1
    merge_record.refresh_from_db()
    assert merge_record.reverted_at is not None


def test_a_merge_is_reverted_once(mccains, editor_client):
    merge_in_admin(editor_client, *mccains)
    merge_record = Merge.objects.get()
    revert_in_admin(editor_client, merge_record)
    response = revert_in_admin(editor_client, merge_record)
    assert "was reverted already" in response.content.decode()
    assert Person.objects.count() == 2


def test_reverting_refuses_when_the_address_is_taken_since(mccains, editor_client):
    merge_in_admin(editor_client, *mccains)
    publish(Person, name="Another McCain", slug="mccain")
    response = revert_in_admin(editor_client, Merge.objects.get())
    assert "The address “mccain” now belongs to “Another McCain”" in response.content.decode()
    assert Person.objects.count() == 2
    assert Merge.objects.get().reverted_at is None


def test_reverting_a_place_merge_gives_the_events_back(editor_client):
    survivor = publish(Place, name="Camp Ashraf", slug="camp-ashraf")
    duplicate = publish(Place, name="Ashraf", slug="ashraf")
    event = publish(Event, title="Raid", slug="raid", place=duplicate)
    merge_in_admin(editor_client, survivor, duplicate)
    event.refresh_from_db()
    assert event.place == survivor
    revert_in_admin(editor_client, Merge.objects.get())
    event.refresh_from_db()
    assert event.place_id == duplicate.pk
    survivor.refresh_from_db()
    assert survivor.aliases == ""


def test_contributors_cannot_revert_a_merge(mccains, contributor_client):
    merge("person", "john-mccain", "mccain")
    merge_record = Merge.objects.get()
    revert_in_admin(contributor_client, merge_record)
    merge_record.refresh_from_db()
    assert merge_record.reverted_at is None
    assert Person.objects.count() == 1


def test_the_duplicates_files_move_to_the_survivor_and_back_on_revert(mccains, editor_client):
    survivor, duplicate = mccains
    portrait = add_file(
        duplicate, io.BytesIO(document_files.png()), "portrait.png", title="A portrait"
    )
    confirmation = merge_confirmation(editor_client, survivor, duplicate).content.decode()
    moves = confirmation.split(f'for="survivor-{duplicate.pk}"')[1].split("</tr>")[0]
    assert "<li>1 documents</li>" in moves
    merge_in_admin(editor_client, survivor, duplicate)
    portrait.refresh_from_db()
    assert portrait.object_id == survivor.pk
    assert editor_client.get(portrait.get_absolute_url()).status_code == 200
    revert_in_admin(editor_client, Merge.objects.get())
    portrait.refresh_from_db()
    assert portrait.object_id == duplicate.pk
