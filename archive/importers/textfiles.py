"""Text captures (``.txt``, ``.md``): one article each, its text kept verbatim.

A file may start with YAML front matter between ``---`` lines giving the title, date, section,
source (a URL or a publication's name), tags and the other article fields listed in
``FRONT_MATTER_KEYS`` (``language``: a BCP 47 tag; ``translation_of``: the original's slug).
Without a title there, the first non-blank line is the title.

The capture is the text after the front matter, exactly as received; its SHA-256 is recorded.
The body is made from it: in a ``.txt`` capture every non-blank line is a paragraph (as the seed's
captures are written); in a ``.md`` file the blank-line-separated blocks are kept as they are.
"""

import re

import yaml

from .captures import body_from_capture
from .items import Problem, Record
from .sources import EncodingProblem

FRONT_MATTER_KEYS = {
    "title": "title",
    "slug": "slug",
    "date": "publication_date",
    "section": "section",
    "source": None,  # a URL goes to source_url, anything else to source_name
    "source_name": "source_name",
    "source_url": "source_url",
    "byline": "byline",
    "summary": "summary",
    "status": "status",
    "tags": "tags",
    "language": "language",
    "translation_of": "translation_of",
}
FENCE = re.compile(r"^(---|\.\.\.)[ \t]*\r?$")
HEADING = re.compile(r"^#{1,6}\s+")


def read_text_capture(source, **options):
    """Yield the one article a text capture holds (or the Problems that keep it out)."""
    try:
        text = source.read_text()
    except EncodingProblem as error:
        yield Problem(source.location(error.line), error.message())
        return
    front, capture, problem = _split_front_matter(text, source)
    if problem is not None:
        yield problem
        return
    data = {}
    for key, value in front.items():
        line = _line_of_key(text, key)
        if key not in FRONT_MATTER_KEYS:
            yield Problem(
                source.location(line),
                f"unknown front matter key; use {', '.join(FRONT_MATTER_KEYS)}",
                key,
            )
        elif key == "source":
            is_url = isinstance(value, str) and value.strip().startswith(("http://", "https://"))
            data["source_url" if is_url else "source_name"] = value
        else:
            data[FRONT_MATTER_KEYS[key]] = value

    markdown = source.path.suffix.lower() in {".md", ".markdown"}
    rest = capture
    if "title" not in data:
        first, rest = _first_line(capture)
        data["title"] = HEADING.sub("", first).strip() if markdown else first.strip()
    data["body"] = rest.strip("\r\n") if markdown else body_from_capture(rest)
    data["capture_text"] = capture
    label = data.get("slug") or data.get("title")
    location = source.location(record=f"article “{label}”" if label else "article")
    yield Record("article", data, location)


def _split_front_matter(text, source):
    """(front matter as a dict, the text after it, None), or (None, None, the Problem)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip("\r") != "---":
        return {}, text, None
    for index in range(1, len(lines)):
        if FENCE.match(lines[index]):
            break
    else:
        return None, None, Problem(source.location(1), "the front matter has no closing “---” line")
    try:
        front = yaml.safe_load("\n".join(lines[1:index])) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        return None, None, Problem(source.location(line), f"malformed YAML front matter: {error}")
    if not isinstance(front, dict):
        problem = Problem(source.location(2), "the front matter must be “key: value” lines")
        return None, None, problem
    return front, "\n".join(lines[index + 1 :]), None


def _line_of_key(text, key):
    match = re.search(rf"^{re.escape(str(key))}\s*:", text, flags=re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _first_line(text):
    """The first non-blank line and the text after it."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line.strip():
            return line.rstrip("\r"), "\n".join(lines[index + 1 :])
    return "", ""
