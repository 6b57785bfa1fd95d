"""The format versions are kept in: Django's JSON serialisation of a record (``model``, ``pk``,
``fields``: own values, foreign keys and many-to-many links by primary key), plus, beside
``fields``, what a record holds outside its own row: its ``tags`` (sorted names) and ``rows``,
its link rows with more to say (a person's affiliations, each with a role).

Django's deserialiser reads only ``model``, ``pk`` and ``fields``, so reversion's own code
keeps working; :func:`archive.history.snapshot` reads the rest.

Written here rather than through Django's serialiser, which builds a queryset per
many-to-many field per record: a batch's relations are read as plain values, a query per
table (``relations_of``), so keeping a version of 500 records costs a few queries.
"""

import json
from collections import defaultdict

from django.core.serializers import json as json_serializer
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.encoding import is_protected_type

FORMAT = "archive-json"
# Set on a record (by ``archive.history``) for the length of one serialisation.
RELATIONS_ATTRIBUTE = "_history_relations"


def _kind(model):
    from ..registry import BY_MODEL

    return BY_MODEL.get(model)


def relations_of(model, pks):
    """{pk: {"links": {field: sorted pks}, "tags": sorted names, "rows": {name: [row]}}} of
    records of ``model``: a query per link table, one for tags, one per kind of link row."""
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import TaggedItem

    kind = _kind(model)
    pks = list(pks)
    found = {pk: {"links": {}, "tags": [], "rows": {}} for pk in pks}
    if kind is None or not pks:
        return found
    links = [f for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]
    for field in links:
        through = field.remote_field.through
        source = f"{field.m2m_field_name()}_id"
        target = f"{field.m2m_reverse_field_name()}_id"
        linked = defaultdict(list)
        rows = through._default_manager.filter(**{f"{source}__in": pks})
        for pk, other in rows.values_list(source, target):
            linked[pk].append(other)
        for pk in pks:
            found[pk]["links"][field.name] = sorted(linked[pk])
    tagged = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=pks
    ).values_list("object_id", "tag__name")
    for pk, name in tagged:
        found[pk]["tags"].append(name)
    for pk in pks:
        found[pk]["tags"].sort()
    for name in kind.link_rows:
        relation = getattr(model, name).rel
        row_model, back = relation.related_model, relation.field
        columns = [
            f.attname for f in row_model._meta.concrete_fields if not f.primary_key and f != back
        ]
        rows = defaultdict(list)
        query = row_model._default_manager.filter(**{f"{back.attname}__in": pks})
        for values in query.order_by("pk").values(back.attname, *columns):
            rows[values.pop(back.attname)].append(values)
        for pk in pks:
            found[pk]["rows"][name] = sorted(rows[pk], key=_row_key)
    return found


def _row_key(row):
    return sorted((key, str(value)) for key, value in row.items())


def _value(obj, field):
    value = field.value_from_object(obj)
    return value if is_protected_type(value) else field.value_to_string(obj)


def dump(obj, relations=None):
    """The record as the plain data a version keeps (Django's serialised shape, plus tags and
    link rows). ``relations``: this record's entry of ``relations_of``, read if not given."""
    if relations is None:
        relations = getattr(obj, RELATIONS_ATTRIBUTE, None)
    if relations is None:
        relations = relations_of(type(obj), [obj.pk])[obj.pk]
    opts = obj._meta.concrete_model._meta
    fields = {}
    for field in opts.local_fields:
        if field.primary_key or not field.serialize:
            continue
        fields[field.name] = (
            getattr(obj, field.attname) if field.remote_field else _value(obj, field)
        )
    fields.update(relations["links"])
    data = {"model": opts.label_lower, "pk": _value(obj, opts.pk), "fields": fields}
    if _kind(type(obj)) is not None:
        data["tags"] = relations["tags"]
        data["rows"] = relations["rows"]
    if getattr(obj, "_history_incoming", False):
        data["incoming"] = incoming(obj)
    return data


def serialize(obj, relations=None):
    return json.dumps([dump(obj, relations)], cls=DjangoJSONEncoder, ensure_ascii=False)


class Serializer(json_serializer.Serializer):
    """The format as a Django serialiser, for reversion (one record at a time)."""

    def handle_m2m_field(self, obj, field):
        pass  # in ``dump``

    def get_dump_object(self, obj):
        return dump(obj)


Deserializer = json_serializer.Deserializer


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
            columns = [
                f.attname
                for f in through._meta.concrete_fields
                if not f.primary_key and f.name != target
            ]
            rows = through._default_manager.filter(**{target: obj.pk}).order_by("pk")
            found[key] = list(rows.values(*columns))
        else:
            pks = source._default_manager.filter(**{field.name: obj.pk}).order_by("pk")
            found[key] = [{"pk": pk} for pk in pks.values_list("pk", flat=True)]
    return found
