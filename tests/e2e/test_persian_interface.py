"""The Persian interface in a real browser: right to left, nothing overflowing at phone width,
nothing serious for axe-core, valid HTML for the Nu checker, and a screenshot for a reviewer."""

import pytest

from archive.models import Article

from .helpers import expect
from .test_accessibility import blocking, describe

pytestmark = pytest.mark.e2e

PHONE_375 = {"width": 375, "height": 812}


def persian_pages():
    article = Article.objects.published().get()
    return {
        "home": "/fa/",
        "article": f"/fa{article.get_absolute_url()}",
        "timeline": "/fa/timeline/",
    }


def test_the_persian_home_page_reads_right_to_left(live_seed, new_context, artifacts, axe):
    problems, too_wide = [], []
    for name, address in persian_pages().items():
        page = new_context(viewport=PHONE_375).new_page()
        assert page.goto(address).status == 200, address
        html = page.locator("html")
        expect(html).to_have_attribute("lang", "fa")
        expect(html).to_have_attribute("dir", "rtl")
        expect(page.get_by_role("search").first).to_be_visible()
        # The switcher leads to the same page in English.
        expect(page.get_by_role("link", name="English")).to_have_attribute(
            "href", address.removeprefix("/fa")
        )
        assert page.evaluate("() => getComputedStyle(document.body).direction") == "rtl"
        # Nothing makes a reader scroll sideways on a phone.
        scroll, inner = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        if scroll > inner:
            too_wide.append(f"{address} is {scroll}px wide in a {inner}px window")
        path = artifacts / f"persian-{name}-phone.png"
        path.unlink(missing_ok=True)
        page.screenshot(path=path, full_page=True)
        assert path.stat().st_size > 5_000, f"{path} looks empty"
        problems += describe(address, blocking(axe(page)))
    assert not too_wide, too_wide
    assert not problems, "\n".join(problems)


def test_the_switcher_takes_a_reader_to_persian_and_back(live_seed, page):
    page.goto("/people/")
    page.get_by_role("link", name="فارسی").click()
    expect(page.locator("html")).to_have_attribute("lang", "fa")
    expect(page.get_by_role("heading", level=1)).to_have_text("اشخاص")
    assert page.url.endswith("/fa/people/")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    assert page.url.endswith("/people/") and "/fa/" not in page.url


def test_persian_pages_are_valid_html(live_seed, client, vnu, tmp_path):
    files = {}
    for name, address in persian_pages().items():
        response = client.get(address)
        assert response.status_code == 200, address
        file = tmp_path / f"persian-{name}.html"
        file.write_bytes(response.content)
        files[str(file)] = address
    messages = vnu(list(files))
    errors = [m for m in messages if m["type"] != "info"]
    assert not errors, "\n".join(
        f"{files.get(m.get('url', '').removeprefix('file:'), '?')}: {m['message']}" for m in errors
    )
