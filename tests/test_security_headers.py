"""Every response carries a strict Content-Security-Policy and a Permissions-Policy, and no
public page needs anything the policy forbids (inline script, inline style, event handlers)."""

from html.parser import HTMLParser

import pytest

from .conftest import make_staff_user
from .e2e.helpers import find_public_pages


def directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


@pytest.mark.parametrize(
    "path",
    ["/", "/articles/", "/no-such-page/", "/feeds/articles.atom", "/admin/login/", "/robots.txt"],
)
def test_responses_carry_a_strict_policy(client, db, path):
    response = client.get(path)
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in permissions


def test_admin_pages_carry_the_policy_too(editor_client):
    response = editor_client.get("/admin/archive/article/add/")
    assert response.status_code == 200
    assert directives(response)["script-src"] == ["'self'"]


class InlineCode(HTMLParser):
    """What a strict policy would block: inline scripts, style attributes, event handlers."""

    DATA_SCRIPTS = {"application/ld+json", "application/json"}

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        inline = tag == "script" and "src" not in attributes
        if inline and attributes.get("type") not in self.DATA_SCRIPTS:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> element")
        for name, _value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")


def test_public_pages_need_no_inline_code(client, seed):
    pages = find_public_pages(client)
    staff = make_staff_user("reader-staff", "Editor")
    for kind, path in pages.items():
        parser = InlineCode()
        parser.feed(client.get(path).content.decode())
        assert parser.found == [], (kind, path, parser.found)
    # Staff see draft previews with an extra banner; it must obey the policy as well.
    client.force_login(staff)
    parser = InlineCode()
    parser.feed(client.get("/").content.decode())
    assert parser.found == []


# The answer depends on a setting these tests change, which a running site never does: the page
# cache (keyed by the data, not the settings) stays out.
@pytest.mark.usefixtures("rendered_every_time")
def test_security_txt_names_the_configured_contact(client, db, settings):
    settings.ARCHIVE_SECURITY_CONTACT = "security@archive.example.org"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"] == "mailto:security@archive.example.org"
    assert fields["Expires"].endswith("Z")
    assert fields["Canonical"] == "http://testserver/.well-known/security.txt"


@pytest.mark.usefixtures("rendered_every_time")
def test_without_a_contact_security_txt_is_a_404(client, db, settings):
    settings.ARCHIVE_SECURITY_CONTACT = ""
    assert client.get("/.well-known/security.txt").status_code == 404
