"""Tags as exports carry them: every tag, used or not, with its slug (its public address).

Records name their tags by name; the list of tags ahead of the records keeps each tag's slug,
so a tag whose slug was taken when it was made ("refugees_1") keeps it when the archive is
imported elsewhere, whatever order the tags are met in.
"""

from django.core.exceptions import ValidationError
from taggit.models import Tag

TAG_KIND = "tag"
TAG_KEYS = ("name", "slug")


def tag_order(name):
    return (name.casefold(), name)


def export_tags():
    """Every tag as {"name", "slug"}, in the order records list their tags."""
    tags = Tag.objects.values_list("name", "slug")
    for name, slug in sorted(tags, key=lambda pair: tag_order(pair[0])):
        yield {"name": name, "slug": slug}


def write_tag(data, location, problems):
    """Find or create the tag ``data`` describes; returns (tag or None, "created"/"unchanged").

    A slug held by another tag, or a tag already known under another slug, is a problem:
    taking or changing either would move a tag's public address.
    """
    if not isinstance(data, dict):
        problems.add(location, "expected an object with a tag's name and slug")
        return None, None
    for key in data:
        if key not in TAG_KEYS:
            problems.add(location, "unknown field; a tag has name, slug", key)
    name, slug = data.get("name"), data.get("slug")
    if not isinstance(name, str) or not name.strip():
        problems.add(location, "missing: every tag needs a name", "name")
        return None, None
    name = name.strip()
    if not isinstance(slug, str) or not slug.strip():
        problems.add(location, "missing: every tag needs a slug", "slug")
        return None, None
    slug = slug.strip()
    by_name = Tag.objects.filter(name__iexact=name).order_by("pk").first()
    if by_name is not None:
        if by_name.slug == slug:
            return by_name, "unchanged"
        problems.add(
            location,
            f"the tag “{by_name.name}” already has the slug “{by_name.slug}”, not “{slug}”; "
            "its address would change",
            "slug",
        )
        return None, None
    by_slug = Tag.objects.filter(slug=slug).first()
    if by_slug is not None:
        problems.add(
            location,
            f"the slug “{slug}” belongs to another tag, “{by_slug.name}”; "
            f"give “{name}” a different slug",
            "slug",
        )
        return None, None
    tag = Tag(name=name, slug=slug)
    try:
        tag.full_clean(validate_unique=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            for message in messages:
                problems.add(location, message, None if field == "__all__" else field)
        return None, None
    tag.save()
    return tag, "created"
