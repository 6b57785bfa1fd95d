"""The kinds of record the archive keeps: one entry per kind, read by every part that covers
them all (lists, home counts, tag pages, sitemaps, search, JSON-LD, imports and exports).

What Django already knows is read from the model: the name (``_meta.model_name``), the labels
readers see (``verbose_name``, ``verbose_name_plural``), the list and detail URL names and the
schema.org type (class attributes beside ``detail_url_name``), and the links (``_meta``). An
entry adds only what the model cannot say. Adding a kind is one model plus one entry here; the
order of the entries is the order readers see the kinds in, and the order imports write them in
(every link pointing at something already there) is derived from the links.
"""

from dataclasses import dataclass
from functools import cached_property

from django.utils.text import capfirst

from .models import Article, Event, Organization, Person, Place, Quotation

# Set by the database on every write; an import that gives them (an export) has them restored.
TIMESTAMPS = ("created_at", "updated_at")


@dataclass(frozen=True)
class Kind:
    model: type
    # The key of this kind's records in import files and exports, as files have always spelt
    # it ("organizations"): files keep working and exports stay byte-identical.
    plural: str
    # Text fields holding one item per line, written as lists in files.
    list_fields: tuple = ()
    # The fields that identify a stored record in an import, tried in this order.
    natural_key: tuple = ("slug",)
    # Whether CSV files may hold this kind (one flat row per record).
    csv: bool = False
    # Whether the records that link to one of this kind carry its names in their search
    # documents ("McCain" finds the quotations John McCain spoke).
    lends_names: bool = False

    @property
    def name(self):
        return self.model._meta.model_name

    @property
    def verbose_name(self):
        return str(self.model._meta.verbose_name)

    # The labels are lazy: shown in the language of the page they are shown on.
    @property
    def label(self):
        return capfirst(self.model._meta.verbose_name)

    @property
    def label_plural(self):
        return capfirst(self.model._meta.verbose_name_plural)

    @property
    def verbose_name_plural(self):
        return str(self.model._meta.verbose_name_plural)

    @property
    def list_url_name(self):
        return self.model.list_url_name

    @property
    def detail_url_name(self):
        return self.model.detail_url_name

    @property
    def schema_type(self):
        return self.model.schema_type

    @cached_property
    def links(self):
        """{field: model} of the many-to-many links to other kinds, in field order."""
        return {
            field.name: field.related_model
            for field in self.model._meta.many_to_many
            if field.related_model in BY_MODEL and field.remote_field.through._meta.auto_created
        }

    @cached_property
    def foreign_keys(self):
        """{field: model} of the foreign keys to other kinds."""
        return {
            field.name: field.related_model
            for field in self.model._meta.concrete_fields
            if field.many_to_one and field.related_model in BY_MODEL
        }

    @cached_property
    def link_rows(self):
        """Links kept as rows of their own, each with more to say (a person's affiliations,
        each with a role): the names their rows are reached by from a record of this kind."""
        return tuple(
            field.remote_field.through._meta.get_field(field.m2m_field_name()).related_query_name()
            for field in self.model._meta.many_to_many
            if field.related_model in BY_MODEL and not field.remote_field.through._meta.auto_created
        )

    @cached_property
    def depends_on(self):
        """The other kinds this kind's records link to, however the link is kept."""
        return {
            BY_MODEL[field.related_model]
            for field in [*self.model._meta.many_to_many, *self.model._meta.concrete_fields]
            if field.is_relation and field.related_model in BY_MODEL
        } - {self}

    @cached_property
    def scalar_fields(self):
        skip = {"id", *TIMESTAMPS, "import_run", *self.foreign_keys}
        return tuple(
            f.name
            for f in self.model._meta.concrete_fields
            if f.name not in skip and not f.is_relation
        )

    @cached_property
    def accepted_keys(self):
        """Every key a record of this kind may have in a file, in the order exports write them."""
        extra = {"tags", *self.link_rows}
        return (*self.scalar_fields, *self.links, *self.foreign_keys, *sorted(extra), *TIMESTAMPS)

    @cached_property
    def required_fields(self):
        """Fields a new record must have (the model's non-blank fields without a default)."""
        return tuple(
            name
            for name in self.scalar_fields
            if not self.model._meta.get_field(name).blank
            and not self.model._meta.get_field(name).has_default()
        )


def _in_link_order(kinds):
    """The kinds in layers: those linking to no other kind first, then those linking only to
    the first layer, and so on; within a layer, in the order readers see them."""
    depth = {}

    def depth_of(kind):
        if kind not in depth:
            depth[kind] = 1 + max((depth_of(other) for other in kind.depends_on), default=-1)
        return depth[kind]

    return sorted(kinds, key=lambda kind: (depth_of(kind), kinds.index(kind)))


# In the order readers see them: nav, home counts, tag pages, search facets, sitemaps.
SHOWN = [
    Kind(Article, "articles", natural_key=("source_guid", "source_url", "slug")),
    Kind(Person, "people", ("aliases", "roles"), csv=True, lends_names=True),
    Kind(Organization, "organizations", ("aliases",), csv=True, lends_names=True),
    Kind(Place, "places", ("aliases",), csv=True, lends_names=True),
    Kind(Event, "events", csv=True),
    Kind(Quotation, "quotations"),
]
BY_MODEL = {kind.model: kind for kind in SHOWN}
# The order imports write kinds in and exports list them in.
LINK_ORDER = _in_link_order(SHOWN)
# By name, in link order (the order import messages list them in).
KINDS = {kind.name: kind for kind in LINK_ORDER}
BY_PLURAL = {kind.plural: kind for kind in LINK_ORDER}
RECORD_MODELS = [kind.model for kind in LINK_ORDER]


class PerKind(dict):
    """{model: function}, one function per kind, filled by decorating each with
    ``@TABLE.register(Model)``; a test checks every such table covers exactly the registry."""

    def register(self, model):
        def add(function):
            self[model] = function
            return function

        return add
