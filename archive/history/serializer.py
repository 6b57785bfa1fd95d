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
    return {"tags": sorted(tag.name for tag in obj.tags.all()), "rows": rows}


class Serializer(json_serializer.Serializer):
    def get_dump_object(self, obj):
        data = super().get_dump_object(obj)
        data.update(extras(obj))
        return data


Deserializer = json_serializer.Deserializer
