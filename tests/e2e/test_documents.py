"""Files end to end: an Editor attaches one in the admin; a reader finds it on the public site,
and the new pages are valid and accessible."""

import pytest

from archive.models import Document, Person

from .. import document_files as files
from .helpers import expect, log_in
from .test_accessibility import blocking, describe

pytestmark = pytest.mark.e2e

TITLE = "Photograph of the meeting hall"


def test_an_editor_attaches_a_file_and_a_reader_sees_it(
    editor_account, new_context, axe, vnu, client, tmp_path
):
    person = Person.objects.published().order_by("name").first()
    editor = new_context().new_page()
    log_in(editor, editor_account)
    editor.goto(f"/admin/archive/person/{person.pk}/change/")
    editor.get_by_role("button", name="Add another file").click()
    editor.locator('input[name="documents-0-upload"]').set_input_files(
        {"name": "hall.png", "mimeType": "image/png", "buffer": files.png(900, 600)}
    )
    editor.locator('input[name="documents-0-title"]').fill(TITLE)
    editor.locator('input[name="documents-0-date"]').fill("2016-08-19")
    editor.locator('select[name="documents-0-status"]').select_option(label="Published")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.get_by_text("was changed successfully")).to_be_visible()

    reader = new_context().new_page()
    reader.goto(person.get_absolute_url())
    files_section = reader.get_by_role("region", name="Files (1)")
    expect(files_section).to_be_visible()
    preview = files_section.locator("img")  # beside the file's title, which says it all
    expect(preview).to_be_visible()
    expect(preview).to_have_js_property("complete", True)
    assert preview.evaluate("image => image.naturalWidth") > 0
    problems = describe("person page with a file", blocking(axe(reader)))

    files_section.get_by_role("link", name=TITLE).click()
    expect(reader.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    document = Document.objects.get()
    expect(reader.get_by_text(document.sha256).first).to_be_visible()
    expect(reader.get_by_text("19 August 2016", exact=True)).to_be_visible()
    expect(reader.get_by_role("img", name=f"Preview of {TITLE}")).to_be_visible()
    problems += describe("file page", blocking(axe(reader)))
    assert not problems, "\n".join(problems)

    pages = {"person": person.get_absolute_url(), "file": document.get_absolute_url()}
    for name, path in pages.items():
        (tmp_path / f"{name}.html").write_bytes(client.get(path).content)
    messages = vnu([tmp_path / f"{name}.html" for name in pages])
    errors = [m for m in messages if m.get("type") == "error"]
    assert not errors, errors
