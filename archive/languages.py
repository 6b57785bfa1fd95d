"""The language of stored text: BCP 47 tags, their direction and their names.

One module answers, for the model fields, the admin, the imports and the templates: is this a
language tag (``fa``, ``ar``, ``ckb``, ``fa-AF``, ``az-Arab``), how is it written (case
normalised as BCP 47 recommends: ``fa-af`` -> ``fa-AF``), which way does it read (``rtl`` for
Persian, Arabic, Kurdish (Sorani), Pashto, Urdu, Hebrew, Yiddish, Dhivehi, Sindhi, Uyghur …,
and for any tag whose script subtag is Arabic or Hebrew; ``ltr`` for other known tags) and what
is it called. A blank tag means the language is not known: nothing is claimed about it (the
page marks such text ``lang=""`` and ``dir="auto"``).
"""

import re

from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language_info

# RFC 5646's "langtag" (grandfathered and private-use tags are not accepted): a primary
# language of 2–3 letters (the longer ones the grammar reserves are registered for no
# language, and "persian" is a name, not a tag), up to three extended subtags, a script, a
# region, variants and extensions.
_TAG = re.compile(
    r"""^(?P<language>[a-z]{2,3}(?:-[a-z]{3}){0,3})
    (?:-(?P<script>[a-z]{4}))?
    (?:-(?P<region>[a-z]{2}|[0-9]{3}))?
    (?P<rest>(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*(?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*
    (?:-x(?:-[a-z0-9]{1,8})+)?)$""",
    re.VERBOSE,
)
MAX_LENGTH = 35

# Written right to left in their usual script (by primary language subtag).
RTL_LANGUAGES = frozenset(
    {
        "ar", "arc", "arz", "azb", "bal", "bqi", "ckb", "dv", "fa", "glk", "he", "ks", "lrc",
        "mzn", "pnb", "prs", "ps", "sd", "sdh", "skr", "syr", "ug", "ur", "yi",
    }
)  # fmt: skip
# Scripts written right to left: a script subtag decides whatever the language (az-Arab).
RTL_SCRIPTS = frozenset(
    {"Adlm", "Arab", "Hebr", "Mand", "Nkoo", "Rohg", "Samr", "Syrc", "Thaa", "Yezi"}
)
# Names (in English, and in the language itself) Django's table lacks, for languages this
# archive's sources are written in.
EXTRA_NAMES = {
    "ps": ("Pashto", "پښتو"),
    "prs": ("Dari", "دری"),
    "ku": ("Kurdish", "Kurdî"),
    "kmr": ("Kurdish (Kurmanji)", "Kurmancî"),
    "sdh": ("Southern Kurdish", "کوردی خوارین"),
    "azb": ("South Azerbaijani", "تۆرکجه"),
    "bal": ("Baluchi", "بلوچی"),
    "glk": ("Gilaki", "گیلکی"),
    "mzn": ("Mazanderani", "مازرونی"),
    "lrc": ("Northern Luri", "لۊری شومالی"),
    "sd": ("Sindhi", "سنڌي"),
    "dv": ("Dhivehi", "ދިވެހި"),
    "yi": ("Yiddish", "ייִדיש"),
    "syr": ("Syriac", "ܣܘܪܝܝܐ"),
    "arc": ("Aramaic", "ܐܪܡܝܐ"),
}


def normalise(tag):
    """The tag in BCP 47's conventional case ("FA-af" -> "fa-AF", "AZ-arab" -> "az-Arab"),
    with underscores read as hyphens; "" for a blank one. Raises ValidationError when it is
    not a language tag."""
    tag = (tag or "").strip().replace("_", "-")
    if not tag:
        return ""
    match = _TAG.match(tag.lower()) if len(tag) <= MAX_LENGTH else None
    if match is None:
        raise ValidationError(
            "“%(tag)s” is not a language tag: use a BCP 47 tag such as fa, ar, en, ckb, az or "
            "fa-AF, or leave it blank when the language is not known.",
            code="invalid_language",
            params={"tag": tag},
        )
    parts = [match["language"]]
    if match["script"]:
        parts.append(match["script"].title())
    if match["region"]:
        parts.append(match["region"].upper())
    return "-".join(parts) + match["rest"]


def validate_language_tag(value):
    if value and normalise(value) != value:
        raise ValidationError(
            "Write the language tag as “%(tag)s”.",
            code="language_case",
            params={"tag": normalise(value)},
        )


def _subtags(tag):
    match = _TAG.match((tag or "").lower())
    if match is None:
        return None, None
    script = match["script"].title() if match["script"] else None
    return match["language"].split("-")[0], script


def direction(tag):
    """ "rtl" or "ltr" for a language tag; "" when the language is not known."""
    primary, script = _subtags(tag)
    if primary is None:
        return ""
    if script:
        return "rtl" if script in RTL_SCRIPTS else "ltr"
    return "rtl" if primary in RTL_LANGUAGES else "ltr"


def name(tag):
    """The language's name in the interface's language where Django knows it ("Persian"),
    its English name from a small table otherwise, the tag itself as a last resort."""
    if not tag:
        return ""
    for code in (tag.lower(), _subtags(tag)[0]):
        if code in LANG_INFO:
            found = get_language_info(code)["name_translated"]
            break
        if code in EXTRA_NAMES:
            found = EXTRA_NAMES[code][0]
            break
    else:
        return tag
    return found if "-" not in tag else f"{found} ({tag})"


class LanguageField(models.CharField):
    """A BCP 47 language tag, stored in its conventional case; blank when not known."""

    default_validators = [validate_language_tag]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", MAX_LENGTH)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return normalise(value)
        except ValidationError:
            return value  # the validator reports it
