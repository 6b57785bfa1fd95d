"""Editing in the admin: every page answers, roles hold on the server, queries stay flat."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.models import (
    Affiliation,
    Article,
    Event,
    ImportRun,
    Organization,
    Person,
    Place,
    Quotation,
    Status,
)
from tests.fixtures.admin_forms import person_form

pytestmark = pytest.mark.django_db
RECORD_MODELS = [Article, Event, Organization, Person, Place, Quotation]


def admin_url(model, action, *args):
    return reverse(f"admin:archive_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", RECORD_MODELS, ids=lambda m: m.__name__)
def test_editor_sees_every_changelist_add_and_change_page(seed, editor_client, model):
    assert editor_client.get(admin_url(model, "changelist")).status_code == 200
    assert editor_client.get(admin_url(model, "add")).status_code == 200
    obj = model.objects.first()
    response = editor_client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200
    content_type = ContentType.objects.get_for_model(model)
    view_on_site = reverse("admin:view_on_site", args=[content_type.pk, obj.pk])
    assert view_on_site in response.content.decode()
    assert editor_client.get(view_on_site)["Location"].endswith(obj.get_absolute_url())


def test_import_runs_are_visible_and_read_only(seed, editor_client):
    run = ImportRun.objects.get()
    assert editor_client.get(admin_url(ImportRun, "changelist")).status_code == 200
    response = editor_client.get(admin_url(ImportRun, "change", run.pk))
    assert response.status_code == 200
    assert "load_seed" in response.content.decode()
    assert editor_client.get(admin_url(ImportRun, "add")).status_code == 403


@pytest.mark.parametrize(
    ("model", "query", "expected"),
    [
        (Person, "Senator McCain", "John McCain"),
        (Organization, "MEK", "Mujahedeen e-Khalq"),
        (Place, "Ashraf", "Camp Ashraf"),
        (Quotation, "guardians", "Who will guard the guardians?"),
    ],
)
def test_search_finds_names_and_aliases(seed, editor_client, model, query, expected):
    response = editor_client.get(admin_url(model, "changelist"), {"q": query})
    assert expected in response.content.decode()


def test_autocomplete_answers_for_linked_records(seed, editor_client):
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "archive",
            "model_name": "article",
            "field_name": "people",
            "term": "McCain",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["John McCain"]


def test_editor_can_publish(editor_client):
    response = editor_client.post(admin_url(Person, "add"), person_form(status=Status.PUBLISHED))
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.is_published
    assert person.slug == "jane-researcher"
    assert person.sort_name == "Researcher, Jane"
    assert [tag.name for tag in person.tags.all()] == ["sources"]


def test_contributor_can_save_a_draft(contributor_client):
    response = contributor_client.post(admin_url(Person, "add"), person_form())
    assert response.status_code == 302
    assert Person.objects.get().status == Status.DRAFT


def test_contributor_cannot_publish(contributor_client):
    response = contributor_client.post(
        admin_url(Person, "add"), person_form(status=Status.PUBLISHED)
    )
    assert response.status_code == 200
    assert "You can save drafts, but not publish" in response.content.decode()
    assert not Person.objects.exists()


def test_contributor_cannot_publish_an_existing_draft(contributor_client):
    person = Person.objects.create(name="Draft Person")
    response = contributor_client.post(
        admin_url(Person, "change", person.pk),
        person_form(name="Draft Person", slug=person.slug, status=Status.PUBLISHED),
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.status == Status.DRAFT


def test_contributor_cannot_change_a_published_record(seed, contributor_client):
    person = Person.objects.get(slug="john-mccain")
    response = contributor_client.post(
        admin_url(Person, "change", person.pk),
        person_form(name="Changed", slug=person.slug, status=Status.DRAFT),
    )
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.name == "John McCain"


def test_contributor_cannot_publish_through_an_inline(seed, contributor_client):
    article = Article.objects.create(title="Contributor draft", slug="contributor-draft")
    prefix = "quotations"
    data = {
        "title": article.title,
        "slug": article.slug,
        "summary": "",
        "body": "",
        "section": "",
        "byline": "",
        "source_name": "",
        "source_url": "",
        "source_guid": "",
        "publication_date": "",
        "capture_text": "",
        "status": Status.DRAFT,
        "tags": "",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-text": "Words",
        f"{prefix}-0-date": "",
        f"{prefix}-0-medium": "statement",
        f"{prefix}-0-context": "",
        f"{prefix}-0-slug": "",
        f"{prefix}-0-status": Status.PUBLISHED,
    }
    response = contributor_client.post(admin_url(Article, "change", article.pk), data)
    assert response.status_code == 200
    assert "You can save drafts, but not publish" in response.content.decode()
    assert not Quotation.objects.filter(text="Words").exists()


@pytest.mark.parametrize("model", RECORD_MODELS, ids=lambda m: m.__name__)
def test_contributor_cannot_delete(seed, contributor_client, model):
    obj = model.objects.first()
    response = contributor_client.post(admin_url(model, "delete", obj.pk), {"post": "yes"})
    assert response.status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_contributor_has_no_publish_or_delete_actions(seed, contributor_client):
    response = contributor_client.get(admin_url(Person, "changelist"))
    content = response.content.decode()
    assert "publish_selected" not in content
    assert "delete_selected" not in content


def test_editor_publish_action(editor_client):
    drafts = [Person.objects.create(name=f"Person {n}") for n in range(3)]
    response = editor_client.post(
        admin_url(Person, "changelist"),
        {"action": "publish_selected", "_selected_action": [p.pk for p in drafts]},
    )
    assert response.status_code == 302
    assert Person.objects.published().count() == 3


def test_contributor_cannot_run_the_publish_action(contributor_client):
    draft = Person.objects.create(name="Someone")
    contributor_client.post(
        admin_url(Person, "changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_editor_can_delete(seed, editor_client):
    place = Place.objects.get(slug="europe")
    response = editor_client.post(admin_url(Place, "delete", place.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Place.objects.filter(slug="europe").exists()


def test_bad_partial_date_in_the_admin_is_a_form_error(editor_client):
    response = editor_client.post(
        admin_url(Event, "add"),
        {
            "title": "An event",
            "slug": "",
            "date": "2016-02-30",
            "end_date": "",
            "description": "",
            "status": Status.DRAFT,
            "tags": "",
        },
    )
    assert response.status_code == 200
    assert "is not a real day" in response.content.decode()
    assert not Event.objects.exists()


def build_records(count):
    """An article linked to `count` people, organisations, places, events and quotations."""
    suffix = f"x{count}"
    article = Article.objects.create(title=f"Article {suffix}", status=Status.PUBLISHED)
    people = [Person.objects.create(name=f"Person {suffix} {n}") for n in range(count)]
    organizations = [Organization.objects.create(name=f"Org {suffix} {n}") for n in range(count)]
    places = [Place.objects.create(name=f"Place {suffix} {n}") for n in range(count)]
    events = [Event.objects.create(title=f"Event {suffix} {n}", date="2016") for n in range(count)]
    for n in range(count):
        quotation = Quotation.objects.create(text=f"Words {suffix} {n}", article=article)
        quotation.people.add(people[n])
        quotation.tags.add(f"tag {n}")
        people[n].tags.add(f"tag {n}")
    article.people.set(people)
    article.organizations.set(organizations)
    article.places.set(places)
    article.events.set(events)
    article.tags.add(*[f"tag {n}" for n in range(count)])
    return article


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", RECORD_MODELS, ids=lambda m: m.__name__)
def test_changelist_queries_do_not_grow_with_data(editor_client, model):
    build_records(2)
    small = count_queries(editor_client, admin_url(model, "changelist"))
    build_records(40)
    large = count_queries(editor_client, admin_url(model, "changelist"))
    assert small == large


def test_article_change_form_queries_do_not_grow_with_links(editor_client):
    small = count_queries(editor_client, admin_url(Article, "change", build_records(2).pk))
    large = count_queries(editor_client, admin_url(Article, "change", build_records(60).pk))
    assert small == large


def test_quotation_and_event_change_forms_queries_do_not_grow(editor_client):
    build_records(2)
    quotation = Quotation.objects.first()
    event = Event.objects.first()
    small = [
        count_queries(editor_client, admin_url(Quotation, "change", quotation.pk)),
        count_queries(editor_client, admin_url(Event, "change", event.pk)),
    ]
    build_records(60)
    assert small == [
        count_queries(editor_client, admin_url(Quotation, "change", quotation.pk)),
        count_queries(editor_client, admin_url(Event, "change", event.pk)),
    ]


def affiliated(count):
    person = Person.objects.create(name=f"Member of {count}")
    organization = Organization.objects.create(name=f"Body with {count}")
    for n in range(count):
        other = Organization.objects.create(name=f"Body {count}-{n}")
        Affiliation.objects.create(person=person, organization=other, role="Member")
        member = Person.objects.create(name=f"Member {count}-{n}")
        Affiliation.objects.create(person=member, organization=organization, role="Member")
    return person, organization


def test_affiliation_inlines_cost_no_query_per_row(editor_client):
    small_person, small_org = affiliated(2)
    large_person, large_org = affiliated(50)
    assert count_queries(editor_client, admin_url(Person, "change", small_person.pk)) == (
        count_queries(editor_client, admin_url(Person, "change", large_person.pk))
    )
    assert count_queries(editor_client, admin_url(Organization, "change", small_org.pk)) == (
        count_queries(editor_client, admin_url(Organization, "change", large_org.pk))
    )
    response = editor_client.get(admin_url(Person, "change", large_person.pk))
    assert "Body 50-49" in response.content.decode()
