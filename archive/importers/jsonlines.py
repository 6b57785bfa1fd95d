"""JSON Lines: the JSON archive's records one per line, read a line at a time.

Every line is an object with a ``record`` key naming the kind of record ("person", "article",
...) and the record's fields, as in the JSON archive. (Not ``kind``: organisations and places
have a field of that name.) An optional first line ``{"format": "archive", "version": 1}`` names the
format. A record may link only to records already in the archive or on earlier lines.
"""

import json

from ..registry import KINDS
from .files import read_files
from .items import Problem, Record
from .jsonarchive import FORMAT_NAME, FORMAT_VERSION, TOO_DEEP
from .sources import EncodingProblem
from .tags import TAG_KIND

RECORD_KEY = "record"


def read_json_lines(source, **options):
    """Yield a Record (or a Problem) for each line of a JSON Lines file, streaming."""
    try:
        for number, text in source.lines():
            if not text.strip():
                continue
            location = source.location(number)
            try:
                data = json.loads(text.rstrip("\r\n"))
            except json.JSONDecodeError as error:
                yield Problem(location, f"malformed JSON at column {error.colno}: {error.msg}")
                continue
            except RecursionError:
                yield Problem(location, TOO_DEEP)
                continue
            if not isinstance(data, dict):
                yield Problem(location, "expected an object with a “record” kind and its fields")
                continue
            if "format" in data and RECORD_KEY not in data:
                yield from _check_header(data, location)
                continue
            kind = data.pop(RECORD_KEY, None)
            if kind not in KINDS and kind != TAG_KIND:
                expected = f"expected one of {', '.join([TAG_KIND, *KINDS])}"
                message = (
                    f"unknown kind of record “{kind}”; {expected}"
                    if isinstance(kind, str)
                    else f"missing: every line names its kind of record; {expected}"
                )
                yield Problem(location, message, RECORD_KEY)
                continue
            slug = data.get("slug")
            if isinstance(slug, str) and slug:
                location = source.location(number, f"{kind} “{slug}”")
            if kind != TAG_KIND:
                data, problems = read_files(data, source.folder, location)
                yield from problems
            yield Record(kind, data, location)
    except EncodingProblem as error:
        yield Problem(source.location(error.line), error.message())


def _check_header(data, location):
    if data.get("format") != FORMAT_NAME:
        yield Problem(location, f'expected "format": "{FORMAT_NAME}"', "format")
    elif data.get("version") != FORMAT_VERSION:
        yield Problem(
            location,
            f"unsupported version {data.get('version')!r}; this archive reads version "
            f"{FORMAT_VERSION}",
            "version",
        )
