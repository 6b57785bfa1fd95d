"""The strict Content-Security-Policy blocks nothing the site and the admin use.

Every browser test fails if a page of it reports a policy violation (tests/e2e/conftest.py);
these tests walk the pages where something would break first.
"""

import pytest
from django.test import Client

from .helpers import find_public_pages, log_in
from .test_admin_editing import choose_in_autocomplete, field, open_add_form

pytestmark = pytest.mark.e2e


def test_the_watch_reports_what_the_policy_blocks(live_seed, new_context):
    context = new_context()
    page = context.new_page()
    page.goto("/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.append(script);
        }"""
    )
    page.wait_for_function("() => (window.__archiveCspSeen || []).length > 0")
    assert page.evaluate("() => window.injected") is None
    assert any("script-src" in violation for violation in context.csp_violations), (
        context.csp_violations
    )
    context.csp_violations.clear()  # seen: the test's own injection, not the site's


def test_public_pages_and_the_admin_article_form_run_under_the_policy(editor_account, new_context):
    context = new_context()
    page = context.new_page()
    for path in find_public_pages(Client()).values():
        page.goto(path)
    log_in(page, editor_account)
    open_add_form(page, "Articles", "Add article")
    field(page, "Title").fill("Written under the policy")
    choose_in_autocomplete(page, "People", "McCain", "John McCain")
    assert context.csp_violations == []
