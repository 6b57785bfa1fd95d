"""Tags as the public sees them: counted over published records only, in one query.

A tag is public only while a published record carries it; every public page that shows or
accepts a tag goes through ``published_tags`` or ``public_tag_or_404``. The counts are kept per
tag and kind by database triggers (``archive/tag_uses.py``), so reading them costs the same
however many records carry a tag.
"""

import re

from django.db.models import Sum
from django.http import Http404
from django.utils.translation import gettext
from taggit.models import Tag

from .models import TagUse


def published_tags():
    """Tags carried by at least one published record, each with ``.uses`` counted."""
    return Tag.objects.annotate(uses=Sum("archive_uses__uses")).filter(uses__gt=0)


def uses_by_kind(tag):
    """{model: how many published records of that model carry ``tag``}, kinds using it only."""
    return {
        use.content_type.model_class(): use.uses
        for use in TagUse.objects.filter(tag=tag, uses__gt=0).select_related("content_type")
    }


def most_used_tags(limit):
    return published_tags().order_by("-uses", "name")[:limit]


def public_tag_or_404(slug):
    """The public tag with this slug. The 404 does not repeat the name: a tag nobody
    published is text nobody reviewed."""
    tag = published_tags().filter(slug=slug).first()
    if tag is None:
        raise Http404(gettext("No published record carries this tag."))
    return tag


FALLBACK_TAG_SLUG = "tag"


def has_usable_slug(slug):
    """Whether a slug has a letter or digit of its own (not only taggit's "_1" suffix)."""
    return any(character.isalnum() for character in re.sub(r"_\d+$", "", slug or ""))


def give_tag_a_usable_slug(sender, instance, raw=False, **kwargs):
    """pre_save of Tag: a name without letters or digits ("!!!", what is left of markup)
    slugifies to "" (or taggit's "_1"), which no URL can hold; such a tag gets "tag",
    "tag-2", ..."""
    if not has_usable_slug(instance.slug):
        instance.slug = unique_fallback_slug(sender, instance.pk)


def unique_fallback_slug(model, pk=None):
    others = model._default_manager.exclude(pk=pk) if pk else model._default_manager.all()
    taken = set(others.filter(slug__startswith=FALLBACK_TAG_SLUG).values_list("slug", flat=True))
    slug, number = FALLBACK_TAG_SLUG, 2
    while slug in taken:
        slug, number = f"{FALLBACK_TAG_SLUG}-{number}", number + 1
    return slug
