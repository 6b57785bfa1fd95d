"""The kinds of record an import reads and writes, their fields and links, in link order."""

from dataclasses import dataclass, field

from ..models import Article, Event, Organization, Person, Place, Quotation

# Set by the database on every write; an import that gives them (an export) has them restored.
TIMESTAMPS = ("created_at", "updated_at")


@dataclass(frozen=True)
class Kind:
    name: str
    plural: str
    model: type
    list_fields: tuple = ()
    links: dict = field(default_factory=dict)
    foreign_keys: dict = field(default_factory=dict)
    # The fields that identify a stored record, strongest first; the slug always comes last.
    # An earlier key that is given wins over the slug (see ``naturalkeys.py``).
    natural_key: tuple = ("slug",)

    @property
    def scalar_fields(self):
        skip = {"id", *TIMESTAMPS, "import_run", *self.foreign_keys}
        return [
            f.name
            for f in self.model._meta.concrete_fields
            if f.name not in skip and not f.is_relation
        ]

    @property
    def accepted_keys(self):
        """Every key a record of this kind may have, in the order exports write them."""
        extra = {"tags"} | ({"affiliations"} if self.model is Person else set())
        return [*self.scalar_fields, *self.links, *self.foreign_keys, *sorted(extra), *TIMESTAMPS]

    @property
    def required_fields(self):
        """Fields a new record must have (the model's non-blank fields without a default)."""
        return [
            name
            for name in self.scalar_fields
            if not self.model._meta.get_field(name).blank
            and not self.model._meta.get_field(name).has_default()
        ]


KINDS = {
    kind.name: kind
    for kind in [
        Kind("organization", "organizations", Organization, ("aliases",)),
        Kind("place", "places", Place, ("aliases",)),
        Kind("person", "people", Person, ("aliases", "roles")),
        Kind(
            "event",
            "events",
            Event,
            links={"people": Person, "organizations": Organization},
            foreign_keys={"place": Place},
        ),
        Kind(
            "article",
            "articles",
            Article,
            links={
                "people": Person,
                "organizations": Organization,
                "places": Place,
                "events": Event,
            },
            natural_key=("source_guid", "source_url", "slug"),
        ),
        Kind(
            "quotation",
            "quotations",
            Quotation,
            links={"people": Person, "organizations": Organization},
            foreign_keys={"article": Article},
        ),
    ]
}
KINDS_BY_PLURAL = {kind.plural: kind for kind in KINDS.values()}
KINDS_BY_MODEL = {kind.model: kind for kind in KINDS.values()}
# Order in which kinds can be written so that every link points at something already there.
KIND_ORDER = ["organization", "place", "person", "event", "article", "quotation"]
