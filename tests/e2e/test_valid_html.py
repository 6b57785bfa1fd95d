"""Every kind of public page is valid HTML, as the Nu HTML Checker (vnu.jar) judges it."""

import pytest

from .helpers import NOT_FOUND, PUBLIC_PAGE_KINDS, find_public_pages

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]
INVALID_CONTROL_PAGE = '<!DOCTYPE html><html lang="en"><title>x</title><div><p>unclosed</html>'


def describe(message, files):
    where = files.get(message.get("url", "").removeprefix("file:"), message.get("url", "?"))
    line = message.get("lastLine", "?")
    extract = message.get("extract", "").replace("\n", " ").strip()
    return f"{where} (line {line}): {message['message']}\n    {extract}"


def test_every_kind_of_public_page_is_valid_html(seed, client, vnu, tmp_path):
    pages = find_public_pages(client)
    missing = [kind for kind in PUBLIC_PAGE_KINDS if kind not in pages]
    assert not missing, f"No link from the home page leads to these kinds of page: {missing}"

    files = {}
    for kind, path in pages.items():
        response = client.get(path)
        assert response.status_code == (404 if kind == NOT_FOUND else 200), path
        if not response["Content-Type"].startswith("text/html"):
            continue
        file = tmp_path / f"{kind.replace(':', '-')}.html"
        file.write_bytes(response.content)
        files[str(file)] = f"{kind} {path}"

    assert len(files) == len(PUBLIC_PAGE_KINDS) + 1

    # A control page with a known error proves the checker really reads what it is given.
    control = tmp_path / "control.html"
    control.write_text(INVALID_CONTROL_PAGE)
    messages = vnu([*files, str(control)])
    control_errors = [m for m in messages if m.get("url", "").endswith("/control.html")]
    assert any("Unclosed element" in m["message"] for m in control_errors), messages

    errors = [m for m in messages if m["type"] != "info" and m not in control_errors]
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(
        describe(message, files) for message in errors
    )
