from .articles import Article, sha256_of
from .base import Record, RecordQuerySet, Status
from .dates import PartialDate, PartialDateField
from .entities import Affiliation, Organization, Person, Place
from .events import Event
from .imports import ImportRun
from .quotations import Quotation

# The public record types, in the order their links can be resolved.
RECORD_MODELS = [Organization, Place, Person, Event, Article, Quotation]

__all__ = [
    "RECORD_MODELS",
    "Affiliation",
    "Article",
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
    "sha256_of",
]
