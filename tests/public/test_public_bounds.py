"""Pages that list what links to a record read it by the plan that suits how busy the record
is, and pages of a long list are read keys first, the back half from the end: whichever way a
page is read, it shows the same records in the same order."""

import pytest
from django.test import override_settings

from archive.models import Article, Status, base
from tests.public.test_public_queries import build_archive

pytestmark = pytest.mark.usefixtures("rendered_every_time")

PAGES = [
    "/articles/?person=p-0",
    "/articles/?person=p-0&page=2",
    "/articles/?tag=common&page=3",
    "/events/?place=pl-0&page=2",
    "/quotations/?organisation=o-0",
    "/people/p-0/",
    "/organisations/o-0/",
    "/places/pl-0/",
    "/events/e-0/",
    "/tags/common/",
    "/feeds/people/p-0.atom",
    "/feeds/tags/common.rss",
]


def listed(response):
    context = response.context
    if context is None:  # a feed
        return response.content
    if "page_obj" in context:
        return [record.pk for record in context["page_obj"].object_list]
    if "sections" in context:
        return [[r.pk for r in section["records"]] for section in context["sections"]]
    return {
        name: [r.pk for r in records]
        for name, records in context["related"].items()
        if isinstance(records, list)
    }


@pytest.mark.parametrize("url", PAGES)
def test_busy_and_quiet_plans_show_the_same_records(client, db, monkeypatch, url):
    build_archive(45)
    Article.objects.filter(slug__in=["a-3", "a-7"]).unpublish()
    quiet = client.get(url)
    assert quiet.status_code == 200
    monkeypatch.setattr(base, "BUSY_LINKS", 0)
    busy = client.get(url)
    assert busy.status_code == 200
    assert listed(busy) == listed(quiet)


@override_settings(ARCHIVE_PAGE_SIZE=4)
def test_every_page_of_a_list_in_order_front_half_and_back_half(client, db):
    Article.objects.bulk_create(
        Article(
            title=f"Article {n % 5}",  # dates and titles repeat, never both
            slug=f"article-{n}",
            publication_date=f"20{10 + n % 7}-01-01",
            status=Status.DRAFT if n % 6 == 0 else Status.PUBLISHED,
        )
        for n in range(23)
    )
    expected = list(Article.objects.published().values_list("pk", flat=True))
    shown = []
    for number in range(1, 6):
        response = client.get(f"/articles/?page={number}")
        assert response.status_code == 200
        shown += [article.pk for article in response.context["page_obj"].object_list]
    assert len(expected) == 19
    assert shown == expected  # no two articles share a date and a title here
    assert client.get("/articles/?page=6").status_code == 404
