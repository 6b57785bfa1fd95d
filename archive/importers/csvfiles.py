"""CSV files of people, organisations, places or events, one record a row, read a row at a time.

The kind of record is given by ``--kind``, or a file named after it (people.csv, events.csv),
or else the header, when its columns fit one kind only (see docs/archive-format.md). Lists
(aliases, roles, tags, linked slugs) are ``;``-separated; a person's affiliations are
``organisation-slug: role`` items. An empty cell means empty, except for slug, status and kind,
where it means "not given" (a new record gets the default, an existing one keeps what it has).
"""

import csv
from collections import Counter

from ..registry import KINDS
from .items import Problem, Record
from .problems import MAX_PROBLEMS
from .sources import EncodingProblem

CSV_KINDS = tuple(name for name, kind in KINDS.items() if kind.csv)
LIST_SEPARATOR = ";"


def read_csv(source, kind=None, **options):
    """Yield a Record for each row of a CSV file, streaming, and a Problem for each bad one."""
    columns = []
    lines = _Lines(source)
    reader = csv.reader(lines)
    try:
        header = next(reader, None)
        if header is None:
            yield Problem(source.location(1), "empty file: expected a header line of column names")
            return
        columns = [name.strip() for name in header]
        if kind:
            kind_name, problems = kind, []
        else:
            kind_name, problems = _kind_from_header(columns, source)
        if kind_name is not None:
            problems = _check_header(kind_name, columns, source)
        if problems:
            yield from problems
            return
        converters = [_converter(KINDS[kind_name], name) for name in columns]
        end_of_previous = reader.line_num
        for row in reader:
            number = end_of_previous + 1
            end_of_previous = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            location = source.location(number)
            if len(row) != len(columns):
                yield Problem(
                    location,
                    f"the row has {len(row)} values but the header has {len(columns)} columns "
                    "(a missing or extra comma, or an unclosed quote?)",
                )
                continue
            data = {}
            for name, convert, cell in zip(columns, converters, row, strict=True):
                value = convert(cell)
                if value is not _NOT_GIVEN:
                    data[name] = value
            label = data.get("slug") or data.get("name") or data.get("title")
            if label:
                location = source.location(number, f"{KINDS[kind_name].verbose_name} “{label}”")
            yield Record(kind_name, data, location)
    except csv.Error as error:
        yield Problem(source.location(lines.number), f"unreadable CSV: {error}")
    except EncodingProblem as error:
        field = _column_of_bad_bytes(error.raw, columns)
        yield Problem(source.location(error.line), error.message(), field)


class _Lines:
    """The file's decoded lines for the csv module, remembering the current line number."""

    def __init__(self, source):
        self.lines = source.lines()
        self.number = 0

    def __iter__(self):
        return self

    def __next__(self):
        self.number, text = next(self.lines)
        return text


def _kind_from_header(columns, source):
    """(The kind a file named after it holds (people.csv), or the one kind the columns fit,
    or None; and the problems that say why not)."""
    stem = source.path.stem.lower()
    for name in CSV_KINDS:
        if stem in (name, KINDS[name].plural):
            return name, []
    fitting = [name for name in CSV_KINDS if set(columns) <= set(KINDS[name].accepted_keys)]
    if len(fitting) == 1:
        return fitting[0], []
    if fitting:
        message = (
            f"cannot tell from the columns whether the rows are {', '.join(fitting)}: "
            "use --kind (or name the file after the kind, e.g. people.csv)"
        )
    else:
        message = (
            "the columns fit no kind of record; use --kind with one of "
            f"{', '.join(CSV_KINDS)} to see which columns are wrong"
        )
    return None, [Problem(source.location(1), message, "kind")]


def _check_header(kind_name, columns, source):
    """What is wrong with the header line for this kind of record (nothing: an empty list)."""
    kind = KINDS.get(kind_name)
    location = source.location(1)
    if kind is None or kind_name not in CSV_KINDS:
        return [
            Problem(
                location,
                f"unknown kind “{kind_name}”; CSV files hold one of {', '.join(CSV_KINDS)}",
                "kind",
            )
        ]
    accepted = set(kind.accepted_keys)
    keys = ", ".join(kind.accepted_keys)
    found = []
    for name in dict.fromkeys(columns):
        if name not in accepted:
            found.append((f"unknown column; {kind.verbose_name} rows have {keys}", name))
    counts = Counter(columns)
    found += [("the column appears more than once", name) for name in counts if counts[name] > 1]
    found += [
        (f"missing column: every {kind.verbose_name} needs a {name}", name)
        for name in kind.required_fields
        if name not in counts
    ]
    # A header of thousands of columns would otherwise report thousands of problems.
    return [
        Problem(location, message, name[:100] or "(empty column name)")
        for message, name in found[:MAX_PROBLEMS]
    ]


_NOT_GIVEN = object()


def _split(cell):
    return [item.strip() for item in cell.split(LIST_SEPARATOR) if item.strip()]


def _affiliations(cell):
    items = []
    for item in _split(cell):
        organization, _, role = item.partition(":")
        items.append({"organization": organization.strip(), "role": role.strip()})
    return items


def _converter(kind, name):
    """How one column's cells become a value of the JSON archive's record shape."""
    if name in (*kind.list_fields, "tags", *kind.links):
        return _split
    if name == "affiliations":
        return _affiliations
    if name in kind.foreign_keys:
        return lambda cell: cell.strip() or None
    model_field = kind.model._meta.get_field(name) if name in kind.scalar_fields else None
    if name == "slug" or (model_field is not None and model_field.choices):
        return lambda cell: cell.strip() or _NOT_GIVEN
    return str.strip


def _column_of_bad_bytes(raw, columns):
    """The column holding the undecodable bytes of a one-line row, when it can be told."""
    row = next(csv.reader([raw.decode("utf-8", errors="replace")]), [])
    for index, cell in enumerate(row):
        if "\ufffd" in cell and index < len(columns):
            return columns[index]
    return None
