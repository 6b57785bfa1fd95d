"""Incoming values made into what the models store: pure functions, no database.

Each takes a value as a reader found it and returns ``(value, invalid)``: the value to use and
a list of :class:`Invalid` (a message and the field it is about), empty when the value is fine.
The writer turns each into a problem at the record's location.
"""

import unicodedata
from dataclasses import dataclass

from django.db import models
from django.utils.dateparse import parse_datetime
from taggit.models import Tag

from ..registry import TIMESTAMPS

TAG_SEPARATOR = ";"


@dataclass(frozen=True)
class Invalid:
    message: str
    field: str | None = None


def text(value):
    """A value as text for a natural key: stripped, or "" for anything not a string."""
    return value.strip() if isinstance(value, str) else ""


def name_key(value):
    """A name as compared for identity: NFKC, case-folded, runs of spaces as one."""
    return " ".join(unicodedata.normalize("NFKC", str(value or "")).casefold().split())


def scalar(kind, name, value):
    """The value of a plain field (text, number, date, choice) as the model takes it."""
    model_field = kind.model._meta.get_field(name)
    if name in kind.list_fields and isinstance(value, list):
        if not all(isinstance(item, str) for item in value):
            return "", [Invalid("expected a list of text", name)]
        return "\n".join(item.strip() for item in value if item.strip()), []
    if value is None and isinstance(model_field, models.CharField | models.TextField):
        return "", []
    if isinstance(value, dict | list):
        return model_field.get_default(), [
            Invalid("expected a single value, not a list or object", name)
        ]
    if isinstance(value, str) and "\x00" in value:
        # PostgreSQL cannot store it; it is never part of real text.
        return model_field.get_default(), [Invalid("contains a NUL character (\\u0000)", name)]
    return value, []


def timestamps(data):
    """The created/updated times the data gives (ISO 8601 with an offset), parsed."""
    found, invalid = {}, []
    for name in TIMESTAMPS:
        value = data.get(name)
        if value in (None, ""):
            continue
        try:
            parsed = parse_datetime(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            invalid.append(
                Invalid(
                    "expected an ISO 8601 date and time with its offset, such as "
                    "2016-09-12T08:30:00+00:00",
                    name,
                )
            )
            continue
        found[name] = parsed
    return found, invalid


def slug_list(value, name):
    """The slugs a link field names: a list of strings (one string is a list of one)."""
    if value is None:
        return [], []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return [], [Invalid("expected a list of slugs", name)]
    return value, []


def single_slug(value, name):
    """The slug a foreign key names, or None when it names none."""
    if value in (None, ""):
        return None, []
    if not isinstance(value, str):
        return None, [Invalid("expected a slug", name)]
    return value, []


def tag_names(value):
    """The tag names a record gives (a list, or one ``;``-separated string), duplicates
    dropped in order."""
    if isinstance(value, str):
        value = value.split(TAG_SEPARATOR)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return [], [Invalid("expected a list of tag names", "tags")]
    names = list(dict.fromkeys(v.strip().replace("\x00", "") for v in value if v.strip()))
    max_length = Tag._meta.get_field("name").max_length
    too_long = [name for name in names if len(name) > max_length]
    if too_long:
        return names, [
            Invalid(f"tag longer than {max_length} characters: “{too_long[0][:40]}…”", "tags")
        ]
    return names, []


def affiliation_list(value):
    """A person's affiliations: a list of items for ``affiliation``."""
    if not isinstance(value, list):
        return [], [Invalid("expected a list of {organization, role}", "affiliations")]
    return value, []


def affiliation(item):
    """One affiliation as (organisation slug, role), or None."""
    if not isinstance(item, dict) or not isinstance(item.get("organization"), str):
        return None, [Invalid("each affiliation needs an organisation slug", "affiliations")]
    return (item["organization"], str(item.get("role") or "")), []
