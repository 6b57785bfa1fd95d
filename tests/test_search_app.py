"""Search as an app of its own: a database whose search index the archive app made (before the
model moved to ``archive.search``) keeps its entries, its full-text index and its permissions
when it is migrated, and goes back as it was."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from archive.models import Person, Status
from archive.search.models import SearchEntry

# Migrations change the database outside any test transaction.
pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_THE_MOVE = "0019_search_vectors_lz4"


def found(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return [result.url for result in response.context["results"].page.object_list]


def permissions_of(app_label):
    return set(
        Permission.objects.filter(
            content_type__app_label=app_label, content_type__model="searchentry"
        ).values_list("codename", flat=True)
    )


def test_an_index_made_before_the_move_is_kept_through_the_migrations(
    client, seed, rendered_every_time
):
    expected = found(client, "McCain")
    entries = SearchEntry.objects.count()
    assert expected and entries
    codenames = permissions_of("search")
    assert codenames == {f"{action}_searchentry" for action in ("add", "change", "delete", "view")}

    call_command("migrate", "archive", BEFORE_THE_MOVE, verbosity=0)
    assert ContentType.objects.filter(model="searchentry").get().app_label == "archive"
    assert permissions_of("archive") == codenames

    call_command("migrate", verbosity=0)
    assert ContentType.objects.filter(model="searchentry").get().app_label == "search"
    assert permissions_of("search") == codenames
    assert SearchEntry.objects.count() == entries
    assert found(client, "McCain") == expected
    Person.objects.create(name="Zyxwquat Marchbank", status=Status.PUBLISHED)
    assert found(client, "zyxwquat") == ["/people/zyxwquat-marchbank/"]
