"""Small template helpers of the public site."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html

from ..registry import SHOWN

register = template.Library()


@register.simple_tag
def record_kinds():
    """Every kind of record, in the order readers see them (see ``archive.registry``)."""
    return SHOWN


@register.simple_tag
def site_name():
    return settings.SITE_NAME


@register.filter
def partial_date(value):
    """A partial date in a <time> element, as precise as it is known; "Date unknown" if not."""
    if not value:
        return "Date unknown"
    if not value.year:
        # "--08-02" is ISO 8601, but not a datetime HTML accepts: say it in words only.
        return value.display
    return format_html('<time datetime="{}">{}</time>', str(value), value.display)


@register.simple_tag(takes_context=True)
def nav_link(context, url_name, label):
    """A navigation link, marked as the current page or section where the reader is."""
    url = reverse(url_name)
    path = context["request"].path
    if path == url:
        return format_html('<a href="{}" aria-current="page">{}</a>', url, label)
    if url != "/" and path.startswith(url):
        return format_html('<a href="{}" aria-current="true">{}</a>', url, label)
    return format_html('<a href="{}">{}</a>', url, label)


@register.filter
def model_name(record):
    return record._meta.model_name


@register.filter
def http_url(value):
    """The URL if it is a web address; "" for anything else (javascript:, data:, …)."""
    value = (value or "").strip()
    return value if value.lower().startswith(("http://", "https://")) else ""
