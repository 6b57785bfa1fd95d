"""Revision history end to end: an Editor changes a record, finds the earlier version in its
history, compares and reverts to it, in a real browser."""

import re

import pytest

from archive.models import Person

from .helpers import expect, log_in

pytestmark = pytest.mark.e2e


def test_editor_reverts_a_change_from_the_history(editor_account, page):
    person = Person.objects.get(slug="john-kerry")
    log_in(page, editor_account)
    page.goto(f"/admin/archive/person/{person.pk}/change/")
    name = page.get_by_label("Name:", exact=True)
    name.fill("John F. Kerry (mistaken edit)")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text(re.compile(r"was changed successfully"))).to_be_visible()

    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name=re.compile("History"))).to_be_visible()
    page.get_by_role("link", name="Revert to this version").first.click()
    expect(page.get_by_role("cell", name="John F. Kerry (mistaken edit)")).to_be_visible()
    page.get_by_role("button", name="Revert to this version").click()

    expect(page.get_by_text(re.compile(r"was reverted to the version of"))).to_be_visible()
    expect(page.get_by_label("Name:", exact=True)).to_have_value("John Kerry")
    person.refresh_from_db()
    assert person.name == "John Kerry"
