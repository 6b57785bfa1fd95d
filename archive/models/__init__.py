from .articles import Article, sha256_of
from .base import Record, RecordQuerySet, Status
from .dates import PartialDate, PartialDateField
from .documents import Document, DocumentQuerySet, TextState
from .entities import Affiliation, Organization, Person, Place
from .events import Event
from .imports import ImportRun
from .quotations import Quotation
from .tag_uses import TagUse

__all__ = [
    "Affiliation",
    "Article",
    "Document",
    "DocumentQuerySet",
    "Event",
    "ImportRun",
    "Organization",
    "PartialDate",
    "PartialDateField",
    "Person",
    "Place",
    "Quotation",
    "Record",
    "RecordQuerySet",
    "Status",
    "TagUse",
    "TextState",
    "sha256_of",
]
