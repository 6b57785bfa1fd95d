"""The format versions are kept in: Django's JSON serialisation of a record, plus, beside its
``fields``, what a record holds outside its own row: its tags (by name) and its link rows with
more to say (a person's affiliations, each with a role).

Django's deserialiser reads only ``model``, ``pk`` and ``fields``, so reversion's own revert and
``field_dict`` keep working; :func:`archive.history.snapshot` reads the rest. The extras read the
prefetched relations when the record has them (``record`` prefetches a batch in a query per
relation), so serialising a batch costs no query per record.
"""

from django.core.serializers import json as json_serializer

FORMAT = "archive-json"


def extras(obj):
    from ..registry import BY_MODEL

    kind = BY_MODEL.get(type(obj))
    if kind is None:
        return {}
    rows = {}
    for name in kind.link_rows:
        manager = getattr(obj, name)
        back = manager.field.name
        rows[name] = sorted(
            (
                {
                    field.attname: field.value_from_object(row)
                    for field in row._meta.concrete_fields
                    if not field.primary_key and field.name != back
                }
                for row in manager.all()
            ),
            key=lambda row: sorted((key, str(value)) for key, value in row.items()),
        )
    data = {"tags": sorted(tag.name for tag in obj.tags.all()), "rows": rows}
    if getattr(obj, "_history_incoming", False):
        data["incoming"] = incoming(obj)
    return data


def incoming_links(model):
    """(source model, field) of every link other kinds keep to ``model``: many-to-many fields
    (their rows, with what more they say, go when a record is deleted) and foreign keys (set to
    null)."""
    from ..registry import SHOWN

    for kind in SHOWN:
        for field in kind.model._meta.many_to_many:
            if field.related_model is model:
                yield kind.model, field
        for name, target in kind.foreign_keys.items():
            if target is model:
                yield kind.model, kind.model._meta.get_field(name)


def incoming(obj):
    """What links to a record from other records, kept in the version written as it is
    deleted, so that restoring it restores them: {"<app.model>.<field>": [rows]}, a row being
    the link row's own values (the through model's, without its key and the record's)."""
    found = {}
    for source, field in incoming_links(type(obj)):
        key = f"{source._meta.label_lower}.{field.name}"
        if field.many_to_many:
            through = field.remote_field.through
            target = field.m2m_reverse_field_name()
            rows = through._default_manager.filter(**{target: obj.pk}).order_by("pk")
            found[key] = [
                {
                    f.attname: f.value_from_object(row)
                    for f in through._meta.concrete_fields
                    if not f.primary_key and f.name != target
                }
                for row in rows
            ]
        else:
            pks = source._default_manager.filter(**{field.name: obj.pk}).order_by("pk")
            found[key] = [{"pk": pk} for pk in pks.values_list("pk", flat=True)]
    return found


class Serializer(json_serializer.Serializer):
    def get_dump_object(self, obj):
        data = super().get_dump_object(obj)
        data.update(extras(obj))
        return data


Deserializer = json_serializer.Deserializer
