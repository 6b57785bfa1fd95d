"""Hostile files (issue 11): each is refused quickly with a clear message, and nothing is
written (``assert_import_fails`` compares the whole database before and after)."""

import json
import os

import pytest

from tests.fixtures.importing import assert_import_fails, write

pytestmark = pytest.mark.django_db

DEPTH = 100_000


def test_json_archive_nested_100000_levels_deep(seed, tmp_path):
    deep = "[" * DEPTH + "]" * DEPTH
    text = '{"format": "archive", "version": 1, "people": [{"slug": "x", "name": ' + deep + "}]}"
    path = write(tmp_path, "deep.json", text)
    assert_import_fails(path, expect=["deep.json: the JSON is nested too deeply to read"])


def test_json_lines_nested_100000_levels_deep(seed, tmp_path):
    good = json.dumps({"record": "person", "slug": "fine", "name": "Fine"})
    deep = '{"record": "person", "slug": "x", "name": ' + "[" * DEPTH + "]" * DEPTH + "}"
    path = write(tmp_path, "deep.jsonl", f"{good}\n{deep}\n")
    assert_import_fails(path, expect=["deep.jsonl, line 2: the JSON is nested too deeply"])


def test_csv_with_80000_columns(seed, tmp_path):
    header = "name," + ",".join(f"column{number}" for number in range(80_000))
    path = write(tmp_path, "people.csv", header + "\n" + "A" + "," * 80_000 + "\n")
    message = assert_import_fails(
        path, expect=["people.csv, line 1, field “column0”: unknown column", "(stopped after 50"]
    )
    assert message.count("unknown column") <= 50


def test_csv_with_80000_copies_of_one_column(seed, tmp_path):
    path = write(tmp_path, "people.csv", ",".join(["name"] * 80_000) + "\nA\n")
    message = assert_import_fails(
        path, expect=["people.csv, line 1, field “name”: the column appears more than once"]
    )
    assert message.count("appears more than once") == 1


def test_capture_file_over_the_import_limit(seed, tmp_path, settings):
    settings.ARCHIVE_IMPORT_MAX_BYTES = 1_000
    write(tmp_path, "huge.txt", "A line of the capture.\n" * 1_000)
    article = {"slug": "huge", "title": "Huge", "capture_file": "huge.txt"}
    text = json.dumps({"format": "archive", "version": 1, "articles": [article]})
    path = write(tmp_path, "a.json", text)
    assert_import_fails(
        path,
        expect=[
            "a.json, articles[1] (“huge”), field “capture_file”",
            "“huge.txt” is 23,000 bytes, over the import limit of 1,000 bytes",
        ],
    )


def test_capture_file_that_is_a_pipe(seed, tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    article = {"slug": "piped", "title": "Piped", "capture_file": "pipe.txt"}
    text = json.dumps({"format": "archive", "version": 1, "articles": [article]})
    path = write(tmp_path, "a.json", text)
    assert_import_fails(path, expect=["field “capture_file”", "“pipe.txt” is not a regular file"])


def test_dev_zero_is_not_a_file_to_import(seed):
    assert_import_fails(
        "/dev/zero", "--format", "json", expect=["/dev/zero: is not a regular file"]
    )


def test_a_fifo_is_not_a_file_to_import(seed, tmp_path):
    os.mkfifo(tmp_path / "people.jsonl")
    assert_import_fails(
        tmp_path / "people.jsonl", expect=["people.jsonl: is not a regular file", "save the data"]
    )
