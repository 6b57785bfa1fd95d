"""The project's own JSON archive format (version 1); see docs/archive-format.md."""

import json

from ..registry import KINDS
from .captures import CaptureError, body_from_capture, read_capture
from .files import read_files
from .items import Problem, Record
from .problems import Location
from .sources import EncodingProblem
from .tags import TAG_KIND

FORMAT_NAME = "archive"
FORMAT_VERSION = 1
TOO_DEEP = (
    "the JSON is nested too deeply to read (lists or objects inside each other thousands of "
    "levels deep); an archive record is at most a few levels deep"
)


def read_json_archive(source, **options):
    """Yield a Record for every record of a JSON archive file, in link order (and a Problem
    for what is wrong with the file).

    The whole document is loaded at once; JSON Lines (``jsonlines.py``) streams instead.
    """
    display = source.display
    try:
        text = source.read_text()
    except EncodingProblem as error:
        yield Problem(source.location(error.line), error.message())
        return
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        yield Problem(
            Location(display, error.lineno),
            f"malformed JSON at column {error.colno}: {error.msg}",
        )
        return
    except RecursionError:
        yield Problem(Location(display), TOO_DEEP)
        return
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        yield Problem(
            Location(display),
            f'not an archive file: expected an object with "format": "{FORMAT_NAME}"',
            "format",
        )
        return
    if document.get("version") != FORMAT_VERSION:
        yield Problem(
            Location(display),
            f"unsupported version {document.get('version')!r}; this archive reads version "
            f"{FORMAT_VERSION}",
            "version",
        )
        return
    known = {"format", "version", "exported_at", "tags", *(kind.plural for kind in KINDS.values())}
    for key in document:
        if key not in known:
            yield Problem(Location(display), f"unknown section; expected {sorted(known)}", key)
    # Tags first, with their slugs, before the records that name them (older exports have none).
    tags = document.get("tags", [])
    if not isinstance(tags, list):
        yield Problem(Location(display), "expected a list of tags", "tags")
        tags = []
    for number, data in enumerate(tags, start=1):
        name = data.get("name") if isinstance(data, dict) else None
        label = f"tags[{number}]" + (f" (“{name}”)" if isinstance(name, str) else "")
        yield Record(TAG_KIND, data, Location(display, record=label))
    for kind_name in KINDS:
        plural = KINDS[kind_name].plural
        records = document.get(plural, [])
        if not isinstance(records, list):
            yield Problem(Location(display), "expected a list of records", plural)
            continue
        for number, data in enumerate(records, start=1):
            slug = data.get("slug") if isinstance(data, dict) else None
            label = f"{plural}[{number}]" + (f" (“{slug}”)" if slug else "")
            location = Location(display, record=label)
            if kind_name == "article" and isinstance(data, dict):
                data, problems = resolve_capture_file(data, source, location)
                yield from problems
            data, problems = read_files(data, source.folder, location)
            yield from problems
            yield Record(kind_name, data, location)


def resolve_capture_file(data, source, location):
    """An article may name its text capture file instead of carrying the text inline;
    returns the data with the capture read, and the problems met.

    ``capture_file`` is read (inside the archive's folder only) into ``capture_text``; the body,
    unless given, is the capture's paragraphs less the lines listed in ``capture_exclude``
    (a breadcrumb trail, a site footer).
    """
    data = dict(data)
    capture_file = data.pop("capture_file", None)
    exclude = data.pop("capture_exclude", [])
    if capture_file is None:
        return data, []
    try:
        text = read_capture(source.folder, capture_file, source.max_bytes)
    except CaptureError as error:
        return data, [Problem(location, str(error), "capture_file")]
    data["capture_text"] = text
    data.pop("capture_sha256", None)
    if "body" not in data:
        data["body"] = body_from_capture(text, exclude)
    return data, []
