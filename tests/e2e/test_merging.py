"""Merging duplicates end to end: an Editor merges two people in a real browser's admin."""

import re

import pytest

from archive.models import Article, Merge, Person, Status

from .helpers import expect, log_in

pytestmark = pytest.mark.e2e


def test_editor_merges_two_people_through_the_confirmation_page(editor_account, new_context, axe):
    survivor = Person.objects.get(slug="john-mccain")
    duplicate = Person.objects.create(name="McCain", slug="mccain", status=Status.PUBLISHED)
    article = Article.objects.published().first()
    article.people.add(duplicate)
    page = new_context().new_page()
    log_in(page, editor_account)

    page.goto("/admin/archive/person/?q=McCain")
    for name in ("John McCain", "McCain"):
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))
        row.get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label="Merge selected records into one")
    page.get_by_role("button", name="Go").click()

    # The confirmation page: what each record carries, and which to keep.
    expect(page.get_by_text("Choose the record to keep")).to_be_visible()
    duplicate_row = page.get_by_role("row").filter(
        has=page.get_by_role("radio", name="McCain", exact=True)
    )
    expect(duplicate_row).to_contain_text("1 articles")
    assert Person.objects.filter(pk=duplicate.pk).exists()  # nothing merged yet
    serious = [v["id"] for v in axe(page) if v["impact"] in ("serious", "critical")]
    assert serious == []
    page.get_by_role("radio", name="John McCain").check()
    page.get_by_role("button", name="Merge into the record to keep").click()

    expect(page.get_by_text("Merged “McCain” into “John McCain”")).to_be_visible()
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    assert article.people.filter(pk=survivor.pk).exists()
    assert Merge.objects.get().survivor_id == survivor.pk

    reader = new_context().new_page()
    reader.goto("/people/mccain/")
    expect(reader).to_have_url(re.compile(r"/people/john-mccain/$"))
    expect(reader.get_by_role("heading", name="John McCain", level=1)).to_be_visible()
