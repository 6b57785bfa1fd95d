"""What articles and quotations share as texts in a language: the language they are written
in and the original they translate (``translation_of``), with the rule that a translation never
leads back to itself.
"""

from django.core.exceptions import ValidationError
from django.db import models

from ..languages import LanguageField

# Chains longer than this (a translation of a translation of …) are not followed further.
MAX_CHAIN = 50
LOOP_MESSAGE = (
    "This would make a loop of translations: “%(original)s” is itself, or leads back to, "
    "a translation of this record. Point at the original text instead."
)


def language_field():
    return LanguageField(
        "language",
        help_text="The language the text is written in, as a BCP 47 tag: fa (Persian), ar "
        "(Arabic), en (English), ckb (Kurdish, Sorani), az (Azerbaijani), fa-AF (Dari)… "
        "Blank when not known.",
    )


def translation_link(original):
    """The link from a translation to its original (``original`` says what that is)."""
    return models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translations",
        verbose_name="translation of",
        help_text=f"When this is a translation: {original}.",
    )


def translations_index(name):
    """The index that finds a record's translations, over the records that have an original.

    Partial on purpose: SQLite's statistics count the records without one (nearly all) as
    one value, and judge the foreign key's own index useless for ``translation_of = x``, so a
    page listing a record's translations read the whole table (100 ms at 100,000 articles).
    """
    return models.Index(
        fields=["translation_of"], condition=models.Q(translation_of__isnull=False), name=name
    )


def translation_loops(model, changed):
    """The keys of ``changed`` ({pk: original pk}, the links about to be written) whose chain
    of originals comes back to them. One query per level of the chains, whatever their number
    (the stored links of every original met on a level are read together)."""
    parents = {pk: original for pk, original in changed.items() if pk is not None}
    frontier = {original for original in parents.values() if original is not None} - set(parents)
    for _ in range(MAX_CHAIN):
        if not frontier:
            break
        found = dict(
            model._default_manager.filter(pk__in=frontier).values_list("pk", "translation_of_id")
        )
        parents.update({pk: found.get(pk) for pk in frontier})
        frontier = {original for original in found.values() if original is not None} - set(parents)
    loops = set()
    for start in parents.keys() & changed.keys():
        seen, pk = set(), parents[start]
        while pk is not None and pk not in seen and len(seen) < MAX_CHAIN:
            if pk == start:
                loops.add(start)
                break
            seen.add(pk)
            pk = parents.get(pk)
    return loops


class Translatable:
    """For a model with ``language`` and ``translation_of`` (see the functions above)."""

    def clean_fields(self, exclude=None):
        super().clean_fields(exclude=exclude)
        if exclude and "translation_of" in exclude:
            return  # the caller checks (an import checks all its links at once)
        if self.translation_of_id is None:
            return
        if self.pk is not None and (
            self.translation_of_id == self.pk or translation_loops(
                type(self), {self.pk: self.translation_of_id}
            )
        ):  # fmt: skip
            raise ValidationError(
                {
                    "translation_of": ValidationError(
                        LOOP_MESSAGE,
                        code="translation_loop",
                        params={"original": self.translation_of},
                    )
                }
            )

    def translation_family(self):
        """The published original and other translations of this text, and its own published
        translations (one query): [(record, relation)], relation "original" or "translation",
        the original first, then by language (those of unknown language last)."""
        root = self.translation_of_id or self.pk
        family = (
            type(self)
            ._default_manager.published()
            .filter(
                models.Q(pk=root)
                | models.Q(translation_of_id=root)
                | models.Q(translation_of_id=self.pk)
            )
            .exclude(pk=self.pk)
            # Sorted here: ordered in SQL, SQLite walks the whole table in the order's index
            # rather than look up the few records by key (100 ms at 100,000 articles).
            .order_by()
        )
        records = sorted(
            family,
            key=lambda record: (
                record.pk != self.translation_of_id,
                not record.language,
                record.language,
                record.pk,
            ),
        )
        return [
            (record, "original" if record.pk == self.translation_of_id else "translation")
            for record in records
        ]
