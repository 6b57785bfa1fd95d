"""Editing end to end: Editors and Contributors at work in the admin of a real browser."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from archive.models import Article, Organization, Person, Status

from .helpers import expect, log_in

pytestmark = pytest.mark.e2e

PERSON = "Imogen Fictional-Tester"
ORGANISATION = "Example Observatory Network"
ACRONYM = "EON"
TITLE = "An end-to-end test article about the Example Observatory Network"
SECOND_PARAGRAPH = "A second paragraph, so the body keeps its paragraphs."
BODY = f"{PERSON} spoke for the {ORGANISATION} on Tuesday.\n\n{SECOND_PARAGRAPH}"
TAG = "browser testing"
# As the help text asks: a comma-separated list (without a comma, taggit splits on spaces).
TAGS_TYPED = f"{TAG}, end to end"
NOT_ALLOWED_TO_PUBLISH = "You can save drafts, but not publish"


def field(page, label):
    """A form field found by its visible label, as a person finds it."""
    return page.get_by_label(f"{label}:", exact=True).filter(visible=True)


def choose_in_autocomplete(page, label, typed, option):
    """Use an admin autocomplete widget: click it, type part of a name, pick the suggestion."""
    box = page.get_by_role("searchbox", name=label, exact=True)
    box.click()
    # Opening the box lists every record, and each keystroke asks again: wait for the answer
    # to the whole typed text, as a person waits for the list to settle, before choosing.
    with page.expect_response(lambda response: suggestions_for(response, typed)):
        page.keyboard.type(typed)
    page.get_by_role("option", name=option).click()
    chosen = box.locator("xpath=ancestor::ul[1]").get_by_role("listitem").filter(has_text=option)
    expect(chosen).to_be_visible()


def suggestions_for(response, typed):
    url = urlsplit(response.url)
    return url.path == "/admin/autocomplete/" and parse_qs(url.query).get("term") == [typed]


def save(page):
    page.get_by_role("button", name="Save", exact=True).click()


def expect_saved(page):
    expect(page.get_by_text(re.compile(r"was (added|changed) successfully"))).to_be_visible()


def open_add_form(page, model_list_name, add_name):
    """From the admin index, open a model's list and its add form, by clicking, and wait for
    the cursor in its first field, as a person does before typing: the admin's script puts it
    there (change_form.js, loaded async) and would move it back mid-typing."""
    page.goto("/admin/")
    page.get_by_role("link", name=model_list_name, exact=True).click()
    page.get_by_role("link", name=add_name).click()
    expect(page.locator("#content-main form :focus")).to_have_count(1)


def test_editor_writes_an_article_and_publishes_it(editor_account, new_context):
    editor = new_context().new_page()
    reader = new_context().new_page()
    log_in(editor, editor_account)

    open_add_form(editor, "People", "Add person")
    field(editor, "Name").fill(PERSON)
    field(editor, "Roles").fill("Spokesperson")
    field(editor, "Status").select_option(label="Published")
    save(editor)
    expect_saved(editor)

    open_add_form(editor, "Organisations", "Add organisation")
    field(editor, "Name").fill(ORGANISATION)
    field(editor, "Acronym").fill(ACRONYM)
    field(editor, "Status").select_option(label="Published")
    save(editor)
    expect_saved(editor)

    open_add_form(editor, "Articles", "Add article")
    field(editor, "Title").fill(TITLE)
    field(editor, "Summary").fill("What the browser test wrote.")
    field(editor, "Body").fill(BODY)
    field(editor, "Section").fill("Tests")
    choose_in_autocomplete(editor, "People", "Imogen", PERSON)
    choose_in_autocomplete(editor, "Organizations", "Observatory", ORGANISATION)
    field(editor, "Tags").fill(TAGS_TYPED)
    expect(field(editor, "Status")).to_have_value(Status.DRAFT)
    save(editor)
    expect_saved(editor)

    article = Article.objects.get(title=TITLE)
    assert article.status == Status.DRAFT
    assert list(article.people.all()) == [Person.objects.get(name=PERSON)]
    assert list(article.organizations.all()) == [Organization.objects.get(name=ORGANISATION)]
    assert sorted(tag.name for tag in article.tags.all()) == [TAG, "end to end"]
    # Browsers send a textarea's line breaks as CRLF; the text is otherwise what was typed.
    assert article.body.replace("\r\n", "\n") == BODY

    # A draft is invisible to an anonymous reader: a 404, exactly like an unknown address.
    assert reader.goto(article.get_absolute_url()).status == 404

    editor.get_by_role("table").get_by_role("link", name=TITLE).click()
    field(editor, "Status").select_option(label="Published")
    save(editor)
    expect_saved(editor)
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED

    # Published: the reader finds the article, its mentions, and the way back from each.
    assert reader.goto(article.get_absolute_url()).status == 200
    expect(reader.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(reader.get_by_role("main").get_by_text(SECOND_PARAGRAPH, exact=True)).to_be_visible()
    reader.get_by_role("link", name=PERSON).first.click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(PERSON)
    reader.get_by_role("link", name=TITLE).first.click()
    expect(reader).to_have_url(re.compile(re.escape(article.get_absolute_url()) + "$"))
    reader.get_by_role("link", name=re.compile(ORGANISATION)).first.click()
    expect(reader.get_by_role("heading", level=1)).to_contain_text(ORGANISATION)
    reader.get_by_role("link", name=TITLE).first.click()
    expect(reader).to_have_url(re.compile(re.escape(article.get_absolute_url()) + "$"))
    reader.get_by_role("link", name=TAG).first.click()
    expect(reader.get_by_role("heading", level=1)).to_contain_text(TAG)
    expect(reader.get_by_role("link", name=TITLE)).to_be_visible()


def test_contributor_saves_drafts_but_cannot_publish_or_delete(contributor_account, new_context):
    page = new_context().new_page()
    log_in(page, contributor_account)
    articles_before = Article.objects.count()

    open_add_form(page, "Articles", "Add article")
    field(page, "Title").fill(TITLE)
    field(page, "Body").fill(BODY)
    field(page, "Status").select_option(label="Published")
    save(page)
    expect(page.get_by_text(NOT_ALLOWED_TO_PUBLISH)).to_be_visible()
    assert Article.objects.count() == articles_before

    field(page, "Status").select_option(label="Draft")
    save(page)
    expect_saved(page)
    draft = Article.objects.get(title=TITLE)
    assert draft.status == Status.DRAFT

    # Editing the draft again: publishing is still refused on the server, and there is no
    # way to delete it, not even by typing the delete address.
    page.get_by_role("table").get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("link", name="Delete")).to_have_count(0)
    field(page, "Status").select_option(label="Published")
    save(page)
    expect(page.get_by_text(NOT_ALLOWED_TO_PUBLISH)).to_be_visible()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    response = page.goto(f"/admin/archive/article/{draft.pk}/delete/")
    assert response.status == 403
    assert Article.objects.filter(pk=draft.pk).exists()

    # The list offers no bulk publishing or deleting either.
    page.goto("/admin/archive/article/")
    actions = page.get_by_label("Action:")
    expect(actions.locator("option", has_text="Publish")).to_have_count(0)
    expect(actions.locator("option", has_text="Delete")).to_have_count(0)

    # A published article is read-only to a Contributor: no save button at all.
    published = Article.objects.published().first()
    page.goto(f"/admin/archive/article/{published.pk}/change/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("View article")
    expect(page.get_by_role("button", name=re.compile("^Save"))).to_have_count(0)
