"""Reading end to end: an anonymous reader follows links through the seed archive."""

import re

import pytest
from django.urls import reverse

from archive.models import Article, Event, Person

from .helpers import DESKTOP, PHONE, expect

pytestmark = pytest.mark.e2e

PERSON_SLUG = "john-mccain"
EVENT_SLUG = "2016-07-14-s-con-res-42-approved"
TAG = "refugees"


def heading(page):
    return page.get_by_role("heading", level=1)


def main_link(page, name):
    return page.get_by_role("main").get_by_role("link", name=name, exact=True).first


def test_reader_browses_from_home_to_search_by_clicking(live_seed, page):
    article = Article.objects.published().get()
    person = Person.objects.get(slug=PERSON_SLUG)
    event = Event.objects.get(slug=EVENT_SLUG)

    assert page.goto("/").status == 200
    main_link(page, article.title).click()
    expect(heading(page)).to_have_text(article.title)

    main_link(page, person.name).click()
    expect(heading(page)).to_have_text(person.name)
    expect(page).to_have_url(re.compile(re.escape(person.get_absolute_url()) + "$"))

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Timeline").click()
    expect(heading(page)).to_contain_text("Timeline")
    # Partial dates are shown exactly as far as they are known.
    main = page.get_by_role("main")
    expect(main).to_contain_text("14 July 2016")
    expect(main.get_by_role("heading", name="2009")).to_be_visible()

    main_link(page, event.title).click()
    expect(heading(page)).to_have_text(event.title)
    expect(main_link(page, person.name)).to_be_visible()

    main_link(page, article.title).click()
    expect(heading(page)).to_have_text(article.title)
    main_link(page, TAG).click()
    expect(heading(page)).to_contain_text(TAG)
    expect(main_link(page, article.title)).to_be_visible()

    search = page.get_by_role("search").get_by_role("searchbox")
    search.fill("McCain")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=McCain"))
    main_link(page, person.name).click()
    expect(heading(page)).to_have_text(person.name)

    assert page.errors == [], "JavaScript errors on the public pages"
    assert page.context.offsite == [], "the public pages must not load anything from elsewhere"


@pytest.mark.parametrize("address", ["home", "article"])
def test_keyboard_reaches_the_main_content_through_the_skip_link(live_seed, page, address):
    page.goto("/" if address == "home" else Article.objects.published().get().get_absolute_url())

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    page.keyboard.press("Tab")
    focus_is_in_main = "() => document.activeElement.closest('main') !== null"
    assert page.evaluate(focus_is_in_main), "the next Tab after the skip link leaves <main>"


SCREENSHOT_PAGES = {
    "home": lambda: "/",
    "article": lambda: Article.objects.published().get().get_absolute_url(),
    "person": lambda: Person.objects.get(slug=PERSON_SLUG).get_absolute_url(),
    "timeline": lambda: reverse("archive:timeline"),
    "search": lambda: reverse("archive:search") + "?q=Camp+Liberty",
}


def test_screenshots_at_desktop_and_phone_widths(live_seed, new_context, artifacts):
    """Full-page pictures for a reviewer, under tests/artifacts/ (git-ignored), every run."""
    too_wide = []
    for width_name, viewport in [("desktop", DESKTOP), ("phone", PHONE)]:
        browser_page = new_context(viewport=viewport).new_page()
        for name, address in SCREENSHOT_PAGES.items():
            assert browser_page.goto(address()).status == 200, name
            path = artifacts / f"{name}-{width_name}.png"
            path.unlink(missing_ok=True)
            browser_page.screenshot(path=path, full_page=True)
            assert path.stat().st_size > 5_000, f"{path} looks empty"
            # Responsive: nothing forces a reader to scroll sideways.
            page_width = browser_page.evaluate("() => document.documentElement.scrollWidth")
            if page_width > viewport["width"]:
                too_wide.append(f"{name} is {page_width}px wide on a {width_name}")
    assert not too_wide, too_wide
