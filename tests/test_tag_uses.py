"""Tag counts are kept by database triggers: whatever writes the records or their tags (raw
querysets, bulk_create, deleting a tag, moving a tagged item), the counts on /tags/ stay what
counting the tags of ``published()`` records gives, and counting afresh after ``migrate``
changes nothing."""

from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from taggit.models import Tag, TaggedItem

from archive.models import Article, Person, Place, Status, TagUse
from archive.registry import RECORD_MODELS
from archive.tag_uses import install_triggers

pytestmark = pytest.mark.usefixtures("rendered_every_time")


def counted_from_published():
    counts = Counter()
    for model in RECORD_MODELS:
        for record in model.objects.published().prefetch_related("tags"):
            counts.update(tag.slug for tag in record.tags.all())
    return dict(counts)


def shown(client):
    response = client.get("/tags/")
    assert response.status_code == 200
    return {tag.slug: tag.uses for tag in response.context["page_obj"].object_list}


@pytest.fixture
def tagged(db):
    ada = Person.objects.create(name="Ada", slug="ada", status=Status.PUBLISHED)
    ada.tags.add("marsh", "coast")
    ben = Person.objects.create(name="Ben", slug="ben", status=Status.DRAFT)
    ben.tags.add("marsh")
    report = Article.objects.create(title="Report", slug="report", status=Status.PUBLISHED)
    report.tags.add("marsh")
    return {"ada": ada, "ben": ben, "report": report}


CHANGES = {
    "nothing": lambda r: None,
    "publish()": lambda r: Person.objects.filter(slug="ben").publish(),
    "unpublish()": lambda r: Article.objects.all().unpublish(),
    "queryset delete": lambda r: Person.objects.filter(slug="ada").delete(),
    "tag deleted": lambda r: Tag.objects.filter(slug="marsh").delete(),
    "tagged item moved to another tag": lambda r: TaggedItem.objects.filter(
        tag__slug="coast"
    ).update(tag=Tag.objects.create(name="heath", slug="heath")),
    "tagged item moved to a draft": lambda r: TaggedItem.objects.filter(
        object_id=r["ada"].pk, tag__slug="coast"
    ).update(object_id=r["ben"].pk),
    "bulk_create of records and tagged items": lambda r: TaggedItem.objects.bulk_create(
        TaggedItem(
            content_type=ContentType.objects.get_for_model(Place),
            object_id=place.pk,
            tag=Tag.objects.get_or_create(name="fen", slug="fen")[0],
        )
        for place in Place.objects.bulk_create(
            Place(name=f"Fen {n}", slug=f"fen-{n}", status=Status.PUBLISHED) for n in range(3)
        )
    ),
    "tagged item of a record deleted with raw SQL, then published again": lambda r: (
        Person.objects.filter(slug="ada")._raw_delete(connection.alias),
        Person.objects.create(pk=r["ada"].pk, name="Ada", slug="ada-2", status=Status.PUBLISHED),
    ),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_kept_counts_agree_with_published(tagged, client, change):
    CHANGES[change](tagged)
    expected = counted_from_published()
    assert shown(client) == expected
    install_triggers()  # what every migrate does: count afresh
    assert shown(client) == expected
    assert not TagUse.objects.filter(uses__lt=0).exists()


def test_counts_per_kind_on_the_tag_page(tagged, client):
    response = client.get("/tags/marsh/")
    assert {section["label"]: section["count"] for section in response.context["sections"]} == {
        "Articles": 1,
        "People": 1,
    }
    Person.objects.filter(slug="ben").publish()
    response = client.get("/tags/marsh/")
    assert {section["label"]: section["count"] for section in response.context["sections"]} == {
        "Articles": 1,
        "People": 2,
    }
