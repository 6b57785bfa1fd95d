"""Tags: an index with counts of published records, and one page per tag across every kind."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext

from ..registry import SHOWN
from ..tagging import public_tag_or_404, published_tags, uses_by_kind
from .meta import PageMeta, canonical_url, page_title
from .pagination import page_size, paginate
from .params import text_param

TAG_INDEX_PAGE_SIZE = 100


def tag_list(request):
    page = paginate(request, published_tags().order_by("name"), TAG_INDEX_PAGE_SIZE)
    return render(
        request,
        "archive/tag_list.html",
        {
            "page_obj": page,
            "page_meta": PageMeta(
                title=gettext("Tags") if page.number == 1 else page_title(gettext("Tags"), page),
                description=gettext("Every tag in the archive, with how many records carry it."),
                canonical=canonical_url(request, page),
            ),
        },
    )


def tag_detail(request, slug):
    tag = public_tag_or_404(text_param(slug))
    shown = page_size()
    sections = []
    counts = uses_by_kind(tag)
    for kind in SHOWN:
        count = counts.get(kind.model, 0)
        tagged = kind.model.objects.published().linked_to("tags", tag, links_known=count)
        if count:
            sections.append(
                {
                    "label": kind.label_plural,
                    "list_url_name": kind.list_url_name,
                    "count": count,
                    "records": tagged[:shown],
                    "more": count > shown,
                }
            )
    if not sections:
        raise Http404(gettext("No published record carries this tag."))
    return render(
        request,
        "archive/tag_detail.html",
        {
            "tag": tag,
            "sections": sections,
            "page_meta": PageMeta(
                title=gettext("Tagged “%(tag)s”") % {"tag": tag.name},
                description=(
                    gettext("Everything in the archive tagged “%(tag)s”.") % {"tag": tag.name}
                ),
                canonical=canonical_url(request),
            ),
        },
    )
