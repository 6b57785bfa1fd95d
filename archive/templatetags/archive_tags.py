"""Small template helpers of the public site."""

from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

from .. import interface_languages, languages
from ..date_display import as_text, describe, persian_digits, shows_solar_hijri
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
    """A partial date in a <time> element, as precise as it is known; "Date unknown" if not.
    On Persian pages the Solar Hijri date (or span) follows (``archive.date_display``)."""
    text, solar_hijri = describe(value)
    if not value or not value.year:
        # "--08-02" is ISO 8601, but not a datetime HTML accepts: say it in words only.
        return text
    shown = format_html('<time datetime="{}">{}</time>', str(value), text)
    if solar_hijri:
        label = gettext("%(date)s Solar Hijri") % {"date": solar_hijri}
        return format_html('{} <span class="solar-hijri">({})</span>', shown, label)
    return shown


@register.filter
def date_text(value):
    """A partial date as plain text (for citations): the Solar Hijri date in brackets after it
    on Persian pages."""
    return as_text(value)


@register.filter
def number(value):
    """A count in the digits of the page's language."""
    return persian_digits(value) if shows_solar_hijri() else value


@register.simple_tag(takes_context=True)
def language_choices(context):
    """The language switcher's links: this page in each interface language, with the query
    the page understood (``page_query`` where a view gives it, else its canonical address's)."""
    query = context.get("page_query")
    if query is None:
        canonical = getattr(context.get("page_meta"), "canonical", "")
        query = urlsplit(canonical).query if canonical else ""
    return interface_languages.language_choices(context["request"], query.removeprefix("?"))


@register.simple_tag(takes_context=True)
def interface_alternates(context):
    """[(hreflang, absolute URL)] of this page in each interface language, and x-default
    (the English address): the page's canonical address where it has one."""
    canonical = getattr(context.get("page_meta"), "canonical", "")
    return interface_languages.alternates(context["request"], canonical)


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


@register.simple_tag
def text_lang(language, short=False):
    """The ``lang`` and ``dir`` attributes of an element showing stored text in ``language``:
    ` lang="fa" dir="rtl"`. A short string that may mix scripts (a title in a list or a card,
    ``short=True``) takes its direction from its own first letters (``dir="auto"``), and so
    does text of unknown language, marked ``lang=""`` (unknown) so it claims nothing."""
    language = language or ""
    direction = languages.direction(language)
    if short or not direction:
        direction = "auto"
    return format_html(' lang="{}" dir="{}"', language, direction)


@register.filter
def language_name(language):
    """A language tag's name ("Persian"), or "" when blank."""
    return languages.name(language)


@register.filter
def language_direction(language):
    """ "rtl" or "ltr" for a language tag, "auto" when not known."""
    return languages.direction(language) or "auto"


@register.simple_tag
def short_text_lang(record):
    """The attributes of a record's name or title shown in a list or a card: its language where
    the record has one (articles, quotations) and its direction from its own letters."""
    if any(field.name == "language" for field in record._meta.concrete_fields):
        return text_lang(record.language, short=True)
    return format_html(' dir="auto"')
