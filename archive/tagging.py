"""Tags as the public sees them: counted over published records only, in one query."""

from django.db.models import Count, Q
from taggit.models import Tag

from .models import RECORD_MODELS

TAGGED_ITEMS = "taggit_taggeditem_items"


def _published_items_of(model):
    """Tagged items that belong to a published record of ``model`` (a join plus a subquery)."""
    return Q(
        **{
            f"{TAGGED_ITEMS}__content_type__app_label": model._meta.app_label,
            f"{TAGGED_ITEMS}__content_type__model": model._meta.model_name,
            f"{TAGGED_ITEMS}__object_id__in": model.objects.published().values("pk"),
        }
    )


def published_tags():
    """Tags carried by at least one published record, each with ``.uses`` counted."""
    carried = Q()
    for model in RECORD_MODELS:
        carried |= _published_items_of(model)
    return Tag.objects.annotate(uses=Count(TAGGED_ITEMS, filter=carried)).filter(uses__gt=0)


def most_used_tags(limit):
    return published_tags().order_by("-uses", "name")[:limit]
