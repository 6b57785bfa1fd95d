"""Real-browser end-to-end tests: Debian's Chromium driven by Playwright, vnu.jar and axe-core.

The tools live outside Python. Where one is missing on a developer's machine the tests that need
it are skipped with a message that says what to install; when the CI environment variable is
set, a missing tool fails the test instead, so CI always runs everything.
"""

import importlib
import io
import json
import os
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from .helpers import DESKTOP

TESTS_DIR = Path(__file__).resolve().parents[1]
NODE_MODULES = TESTS_DIR / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
ARTIFACTS = TESTS_DIR / "artifacts"
CHROMIUM = Path(os.environ.get("ARCHIVE_E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A browser test waits this long (ms) for an element before failing, not Playwright's 30 s.
TIMEOUT_MS = 10_000

NPM_HINT = "run `npm ci --prefix tests` (needs Node.js and npm)"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "e2e: real browser, HTML checker and accessibility tests (tests/e2e/)"
    )


def in_ci():
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def missing_tool(message):
    """Skip on a developer's machine; fail in CI, where every end-to-end test must run."""
    if in_ci():
        pytest.fail(f"{message} (CI is set: the end-to-end tests must run)", pytrace=False)
    pytest.skip(message)


def require_java():
    java = shutil.which("java")
    if java is None:
        missing_tool(
            "Java is not installed, so vnu.jar (the Nu HTML Checker) cannot run: "
            "install a Java runtime, e.g. `apt-get install default-jre-headless`"
        )
    return java


def require_file(path, what):
    if not path.is_file():
        missing_tool(f"{what} is missing ({path.relative_to(TESTS_DIR.parent)}): {NPM_HINT}")
    return path


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, launched headless with a fresh profile (Playwright's temporary one)."""
    if not CHROMIUM.exists():
        missing_tool(
            f"Chromium not found at {CHROMIUM}: install Debian's browser with "
            "`apt-get install chromium` (or set ARCHIVE_E2E_CHROMIUM to its path)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool("Playwright for Python is not installed: `pip install -e '.[test]'`")

    # Playwright's sync API keeps an asyncio loop running in this thread; Django refuses
    # database calls from such a thread unless told the code is really synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_context(browser, live_server):
    """Open browser contexts (a fresh, cookie-less visitor each) against the live server.

    Every request to another host is blocked and recorded in ``context.offsite``: the site must
    work offline, with no fonts, scripts or images from elsewhere.
    """
    contexts = []
    server = urlsplit(live_server.url)

    def open_context(viewport=None, **kwargs):
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport or DESKTOP, **kwargs
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.offsite = []

        def only_live_server(route):
            url = urlsplit(route.request.url)
            if url.scheme in {"http", "https"} and url.netloc != server.netloc:
                context.offsite.append(route.request.url)
                route.abort()
            else:
                route.continue_()

        context.route("**/*", only_live_server)
        watch_content_security_policy(context)
        contexts.append(context)
        return context

    yield open_context
    blocked = [violation for context in contexts for violation in context.csp_violations]
    for context in contexts:
        context.close()
    if blocked:
        pytest.fail(
            "The Content-Security-Policy blocked something the page uses:\n" + "\n".join(blocked),
            pytrace=False,
        )


# Reports every Content-Security-Policy violation of every page (a script, style, image or
# connection the policy blocked) to the test, which fails: nothing the site uses may be blocked.
# Tools a test injects (axe-core adds its own <style>) set __archiveTestTool first: what a page
# does after that is not the site's doing.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
    if (window.__archiveTestTool) return;
    const text = `${event.violatedDirective} blocked ${event.blockedURI || "inline code"} `
        + `on ${event.documentURI} (${event.sourceFile || ""}:${event.lineNumber || ""})`;
    (window.__archiveCspSeen ||= []).push(text);
    window.__archiveCspViolation(text);
});
"""


def watch_content_security_policy(context):
    """Collect the policy violations of every page of a browser context in
    ``context.csp_violations``."""
    context.csp_violations = []
    context.expose_binding(
        "__archiveCspViolation", lambda source, text: context.csp_violations.append(text)
    )
    context.add_init_script(CSP_LISTENER)


@pytest.fixture
def page(new_context):
    """A desktop-sized page whose uncaught JavaScript errors are kept in ``page.errors``."""
    browser_page = new_context().new_page()
    browser_page.errors = []
    browser_page.on("pageerror", lambda error: browser_page.errors.append(str(error)))
    return browser_page


def create_roles():
    """The Editor and Contributor groups, made by the data migration that defines them.

    Tests against the live server run in transactions that are flushed afterwards, which also
    empties tables filled by data migrations. The roles are rebuilt by the migration's own
    function on its historical models, so the definition of a role is never copied here.
    """
    migration = importlib.import_module("archive.migrations.0002_roles")
    state = MigrationLoader(connection).project_state(("archive", "0002_roles"), at_end=True)
    migration.create_roles(state.apps, None)
    # The documents' permissions, granted to both roles by their own migration.
    documents = next(
        name
        for name in MigrationLoader(connection).disk_migrations
        if name[0] == "archive" and name[1].endswith("_document_roles")
    )
    state = MigrationLoader(connection).project_state(documents, at_end=True)
    importlib.import_module(f"archive.migrations.{documents[1]}").grant(state.apps, None)


@pytest.fixture
def live_seed(transactional_db):
    """The seed archive, loaded by its own command, and the editorial roles."""
    create_roles()
    call_command("load_seed", stdout=io.StringIO())


@dataclass
class Account:
    username: str
    password: str


def make_account(role):
    password = secrets.token_urlsafe(16)
    user = User.objects.create_user(
        username=f"{role.lower()}-{secrets.token_hex(3)}", password=password, is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    return Account(user.username, password)


@pytest.fixture
def editor_account(live_seed):
    return make_account("Editor")


@pytest.fixture
def contributor_account(live_seed):
    return make_account("Contributor")


@pytest.fixture
def vnu():
    """Run the Nu HTML Checker on files; returns its JSON messages."""
    java = require_java()
    jar = require_file(VNU_JAR, "vnu.jar (npm package vnu-jar)")

    def check(paths):
        result = subprocess.run(
            [java, "-jar", str(jar), "--format", "json", "--stdout", *map(str, paths)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        try:
            return json.loads(result.stdout)["messages"]
        except (ValueError, KeyError):
            pytest.fail(
                f"vnu.jar did not answer in JSON (exit {result.returncode}):\n"
                f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}",
                pytrace=False,
            )

    return check


@pytest.fixture
def axe():
    """Inject axe-core into a page and run it; returns axe's violations."""
    script = require_file(AXE_SCRIPT, "axe-core (npm package axe-core)")

    def run(page):
        # Evaluated through the browser's debugging protocol, which the page's
        # Content-Security-Policy does not govern; an injected <script> would be blocked.
        page.evaluate("() => { window.__archiveTestTool = 'axe-core'; }")
        page.evaluate(f"{script.read_text()}\n;undefined")
        return page.evaluate("async () => (await axe.run(document)).violations")

    return run


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
