"""The public, reader-facing site: one module per concern."""

from .details import (
    ArticleDetail,
    EventDetail,
    OrganizationDetail,
    PersonDetail,
    PlaceDetail,
    QuotationDetail,
)
from .documents import document_detail, document_file, document_preview
from .embedded import document_by_content
from .home import home
from .lists import ArticleList, EventList, OrganizationList, PersonList, PlaceList, QuotationList
from .search import search
from .site import robots_txt
from .tags import tag_detail, tag_list
from .timeline import timeline

__all__ = [
    "ArticleDetail",
    "ArticleList",
    "EventDetail",
    "EventList",
    "OrganizationDetail",
    "OrganizationList",
    "PersonDetail",
    "PersonList",
    "PlaceDetail",
    "PlaceList",
    "QuotationDetail",
    "QuotationList",
    "document_by_content",
    "document_detail",
    "document_file",
    "document_preview",
    "home",
    "robots_txt",
    "search",
    "tag_detail",
    "tag_list",
    "timeline",
]
