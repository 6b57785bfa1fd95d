"""axe-core, run inside the browser, finds nothing serious on any kind of page we serve."""

import pytest

from archive.models import Article

from .helpers import NOT_FOUND, PUBLIC_PAGE_KINDS, expect, find_public_pages, log_in

pytestmark = pytest.mark.e2e

BLOCKING_IMPACTS = {"serious", "critical"}


def blocking(violations):
    return [violation for violation in violations if violation["impact"] in BLOCKING_IMPACTS]


def describe(where, violations):
    lines = []
    for violation in violations:
        lines.append(f"{where}: [{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:160]}")
    return lines


def test_axe_finds_nothing_serious_on_any_kind_of_public_page(live_seed, client, page, axe):
    pages = find_public_pages(client)
    missing = [kind for kind in PUBLIC_PAGE_KINDS if kind not in pages]
    assert not missing, f"No link from the home page leads to these kinds of page: {missing}"

    problems = []
    for kind, path in pages.items():
        response = page.goto(path)
        assert response.status == (404 if kind == NOT_FOUND else 200), path
        problems += describe(f"{kind} {path}", blocking(axe(page)))
    assert not problems, "\n".join(problems)


def test_axe_control_page_is_reported(page, axe):
    """The checker really works in this browser: a page with known faults is reported."""
    page.set_content('<html><body><img src="x.png"><input type="text"></body></html>')
    found = {violation["id"] for violation in blocking(axe(page))}
    assert {"image-alt", "label"} <= found, found


def test_axe_finds_nothing_serious_on_the_article_change_form(editor_account, new_context, axe):
    page = new_context().new_page()
    log_in(page, editor_account)
    article = Article.objects.published().get()
    page.goto(f"/admin/archive/article/{article.pk}/change/")
    expect(page.get_by_label("Title:", exact=True)).to_have_value(article.title)
    problems = describe("admin article change form", blocking(axe(page)))
    assert not problems, "\n".join(problems)
