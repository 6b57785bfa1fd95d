"""A readable difference between two versions of a record (or a version and the record as it
is now): field by field under their labels, links and link rows by the names of the records
they lead to, tags by name. Names are looked up a query per kind of link, not per link."""

from dataclasses import dataclass

from . import snapshot


@dataclass(frozen=True)
class Line:
    """One field: its label, the text before and after, or for a list what was removed and
    added and what stayed."""

    label: str
    before: str = ""
    after: str = ""
    removed: tuple = ()
    added: tuple = ()
    kept: tuple = ()
    is_list: bool = False

    @property
    def changed(self):
        return self.before != self.after if not self.is_list else bool(self.removed or self.added)


def _label(model, name):
    return str(model._meta.get_field(name).verbose_name).capitalize()


def _names(model, pks):
    """{pk: name} of records of ``model``; those gone are named by their key."""
    found = {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=set(pks))}
    return {pk: found.get(pk, f"#{pk} (deleted)") for pk in pks}


def _value_text(model, attname, value, names):
    field = next(f for f in model._meta.concrete_fields if f.attname == attname)
    if field.is_relation:
        return "" if value is None else names[field.related_model].get(value, f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if value is None:
        return ""
    return str(value)


def _row_text(row_model, row, names):
    parts = []
    for attname, value in row.items():
        text = _value_text(row_model, attname, value, names)
        if text:
            parts.append(text)
    return " — ".join(parts)


def _list_line(label, before, after):
    before_set, after_set = set(before), set(after)
    return Line(
        label,
        removed=tuple(sorted(before_set - after_set)),
        added=tuple(sorted(after_set - before_set)),
        kept=tuple(sorted(before_set & after_set)),
        is_list=True,
    )


def compare(old, new):
    """The lines of difference from version ``old`` to version ``new`` (``new`` may be None:
    the record as it is now, which must exist). Every field is listed; ``Line.changed`` says
    which differ."""
    from . import current_snapshot

    a = snapshot(old)
    b = snapshot(new) if new is not None else current_snapshot(a.model, a.pk)
    model = a.model
    # Every record a relation names, looked up once per model.
    wanted = {}
    fields = {f.attname: f for f in model._meta.concrete_fields}
    for data in (a, b):
        for attname, value in data.fields.items():
            field = fields.get(attname)
            if field is not None and field.is_relation and value is not None:
                wanted.setdefault(field.related_model, set()).add(value)
        for name, pks in data.links.items():
            wanted.setdefault(model._meta.get_field(name).related_model, set()).update(pks)
        for name, rows in data.rows.items():
            row_model = getattr(model, name).rel.related_model
            for row in rows:
                for f in row_model._meta.concrete_fields:
                    if f.is_relation and row.get(f.attname) is not None:
                        wanted.setdefault(f.related_model, set()).add(row[f.attname])
    names = {related: _names(related, pks) for related, pks in wanted.items()}

    lines = []
    for attname, field in fields.items():
        if field.primary_key or field.name in ("created_at", "updated_at"):
            continue
        if attname not in a.fields and attname not in b.fields:
            continue
        lines.append(
            Line(
                str(field.verbose_name).capitalize(),
                before=_value_text(model, attname, a.fields.get(attname), names),
                after=_value_text(model, attname, b.fields.get(attname), names),
            )
        )
    for name in sorted(set(a.links) | set(b.links), key=_field_order(model)):
        related = model._meta.get_field(name).related_model
        lines.append(
            _list_line(
                _label(model, name),
                [names[related][pk] for pk in a.links.get(name, [])],
                [names[related][pk] for pk in b.links.get(name, [])],
            )
        )
    lines.append(_list_line("Tags", a.tags, b.tags))
    for name in sorted(set(a.rows) | set(b.rows)):
        row_model = getattr(model, name).rel.related_model
        lines.append(
            _list_line(
                str(row_model._meta.verbose_name_plural).capitalize(),
                [_row_text(row_model, row, names) for row in a.rows.get(name, [])],
                [_row_text(row_model, row, names) for row in b.rows.get(name, [])],
            )
        )
    return lines


def _field_order(model):
    order = {f.name: n for n, f in enumerate(model._meta.many_to_many)}
    return lambda name: order.get(name, len(order))
