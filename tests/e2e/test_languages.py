"""A Persian article and its English translation in a real browser (issue 16): the text says
its language and reads right to left, nothing overflows at phone width, axe finds nothing
serious and the Nu HTML Checker no error; screenshots of the Persian pages are kept under
tests/artifacts/ (git-ignored).

The Persian is Article 1 of the UDHR (tests/fixtures/scripts/udhr-persian.txt, see its README);
the English is the UN's English text of the same article.
"""

from pathlib import Path

import pytest

from archive.models import Article, Quotation, Status

from .helpers import DESKTOP, expect

pytestmark = pytest.mark.e2e

PHONE_375 = {"width": 375, "height": 812}
BLOCKING_IMPACTS = {"serious", "critical"}
CAPTURE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "scripts" / "udhr-persian.txt"
).read_text(encoding="utf-8")
PERSIAN_TITLE, _, PERSIAN_TEXT = CAPTURE.splitlines()[:3]
ENGLISH_TEXT = (
    "All human beings are born free and equal in dignity and rights. They are endowed with "
    "reason and conscience and should act towards one another in a spirit of brotherhood."
)


@pytest.fixture
def persian_and_english(transactional_db):
    original = Article.objects.create(
        slug="udhr-fa", title=PERSIAN_TITLE, language="fa", body=PERSIAN_TEXT,
        summary=PERSIAN_TEXT, capture_text=CAPTURE, status=Status.PUBLISHED,
    )  # fmt: skip
    Article.objects.create(
        slug="udhr-en", title="Universal Declaration of Human Rights", language="en",
        body=ENGLISH_TEXT, translation_of=original, status=Status.PUBLISHED,
    )  # fmt: skip
    Quotation.objects.create(
        slug="udhr-fa-article-1", text=PERSIAN_TEXT, language="fa", article=original,
        status=Status.PUBLISHED,
    )  # fmt: skip


PAGES = {
    "persian-article": ("/articles/udhr-fa/", "fa", "rtl"),
    "english-translation": ("/articles/udhr-en/", "en", "ltr"),
    "persian-quotation": ("/quotations/udhr-fa-article-1/", "fa", "rtl"),
}
TEXT_OF = {
    "persian-article": ".body .text",
    "english-translation": ".body .text",
    "persian-quotation": "blockquote.quotation-text",
}


def test_persian_and_english_pages_read_in_their_direction_at_every_width(
    persian_and_english, new_context, axe, artifacts
):
    problems = []
    for width_name, viewport in [("desktop", DESKTOP), ("phone", PHONE_375)]:
        browser_page = new_context(viewport=viewport).new_page()
        for name, (path, language, direction) in PAGES.items():
            assert browser_page.goto(path).status == 200, path
            heading = browser_page.locator("main h1")
            expect(heading).to_have_attribute("lang", language)
            expect(heading).to_have_attribute("dir", direction)
            text = browser_page.locator(TEXT_OF[name])
            expect(text).to_have_attribute("lang", language)
            expect(text).to_have_attribute("dir", direction)
            # The browser lays the text out in that direction, not just the attribute.
            assert text.evaluate("e => getComputedStyle(e).direction") == direction, name
            width = browser_page.evaluate("() => document.documentElement.scrollWidth")
            inner = browser_page.evaluate("() => window.innerWidth")
            if width > inner:
                problems.append(f"{name} is {width}px wide in a {inner}px {width_name} window")
            for violation in axe(browser_page):
                if violation["impact"] in BLOCKING_IMPACTS:
                    problems.append(
                        f"{name} ({width_name}): {violation['id']}: {violation['help']}"
                    )
            if language == "fa":
                shot = artifacts / f"languages-{name}-{width_name}.png"
                shot.unlink(missing_ok=True)
                browser_page.screenshot(path=shot, full_page=True)
                assert shot.stat().st_size > 5_000, f"{shot} looks empty"
    assert not problems, "\n".join(problems)


def test_the_translation_links_lead_both_ways(persian_and_english, page):
    page.goto("/articles/udhr-fa/")
    translations = page.locator("#translations + ul")
    english = translations.get_by_role("link", name="Universal Declaration of Human Rights")
    expect(english).to_have_attribute("hreflang", "en")
    english.click()
    expect(page.locator("main h1")).to_have_text("Universal Declaration of Human Rights")
    original = page.locator("#translations + ul").get_by_role("link", name=PERSIAN_TITLE)
    expect(original).to_have_attribute("lang", "fa")
    original.click()
    expect(page.locator("main h1")).to_have_text(PERSIAN_TITLE)


def test_persian_search_results_read_right_to_left(persian_and_english, new_context, artifacts):
    browser_page = new_context(viewport=PHONE_375).new_page()
    browser_page.goto("/search/?q=" + "يكديگر")  # Arabic yeh and kaf for the text's Persian ones
    snippet = browser_page.locator(".search-hit .snippet").first
    expect(snippet).to_have_attribute("dir", "rtl")
    expect(snippet.locator("mark")).to_have_text("یکدیگر")
    assert snippet.evaluate("e => getComputedStyle(e).direction") == "rtl"
    width = browser_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE_375["width"]
    browser_page.screenshot(path=artifacts / "languages-persian-search-phone.png", full_page=True)


def test_the_persian_pages_are_valid_html(persian_and_english, client, vnu, tmp_path):
    files = {}
    for name, (path, _, _) in PAGES.items():
        response = client.get(path)
        assert response.status_code == 200
        file = tmp_path / f"{name}.html"
        file.write_bytes(response.content)
        files[str(file)] = path
    errors = [message for message in vnu(list(files)) if message["type"] != "info"]
    assert not errors, "\n".join(
        f"{files.get(m.get('url', '').removeprefix('file:'), '?')}: {m['message']} "
        f"({m.get('extract', '').strip()})"
        for m in errors
    )
