"""Bad input: the import exits non-zero, says where (file, line or record, field) and what was
expected, and leaves the database exactly as it was (row counts and the whole export)."""

import json

import pytest

from tests.fixtures.importing import FIXTURES, assert_import_fails, run_import, write

pytestmark = pytest.mark.django_db

PERSON = {"slug": "new-person", "name": "New Person"}


def archive_json(**sections):
    return json.dumps({"format": "archive", "version": 1, **sections}, indent=2)


def test_malformed_json_names_the_line(seed, tmp_path):
    text = archive_json(people=[PERSON]).replace('"New Person"', '"New Person",')
    path = write(tmp_path, "broken.json", text)
    line = text.splitlines().index('      "name": "New Person",') + 2
    assert_import_fails(path, expect=[f"broken.json, line {line}", "malformed JSON at column"])


def test_malformed_json_line_in_json_lines_names_the_line(seed, tmp_path):
    path = write(
        tmp_path,
        "people.jsonl",
        '{"record": "person", "slug": "ok-person", "name": "Ok"}\n{"record": "person", "slug": \n',
    )
    assert_import_fails(path, expect=["people.jsonl, line 2", "malformed JSON at column 30"])


def test_csv_with_a_missing_column(seed, tmp_path):
    path = write(tmp_path, "people.csv", "slug,aliases\nsomeone,Some\n")
    assert_import_fails(
        path, expect=["people.csv, line 1, field “name”", "missing column: every person needs"]
    )


def test_csv_row_with_missing_values(seed, tmp_path):
    path = write(tmp_path, "people.csv", "slug,name,roles\nfirst,First,Role\nsecond,Second\n")
    assert_import_fails(
        path, expect=["people.csv, line 3", "the row has 2 values but the header has 3 columns"]
    )


def test_bad_date_in_csv(seed, tmp_path):
    path = write(
        tmp_path,
        "events.csv",
        "slug,title,date\nfine,A fine event,2016-09\nbad-date,A bad date,2016-13-45\n",
    )
    assert_import_fails(
        path,
        expect=[
            "events.csv, line 3, event “bad-date”, field “date”",
            "2016-13-45 is not a real day",
        ],
    )


def test_bad_date_in_a_json_archive_names_the_record(seed, tmp_path):
    event = {"slug": "someday", "title": "Someday", "date": "sometime soon"}
    path = write(tmp_path, "events.json", archive_json(events=[event]))
    assert_import_fails(
        path,
        expect=[
            "events.json, events[1] (“someday”), field “date”",
            "use 2016-09-12, 2016-09 or 2016",
        ],
    )


def test_end_date_before_start_date(seed, tmp_path):
    path = write(tmp_path, "events.csv", "title,date,end_date\nBackwards,2016-09,2016-01\n")
    assert_import_fails(
        path, expect=["events.csv, line 2", "field “end_date”", "before the start date"]
    )


def test_unknown_kind_in_json_lines(seed, tmp_path):
    path = write(tmp_path, "things.jsonl", '{"record": "spaceship", "slug": "enterprise"}\n')
    assert_import_fails(
        path, expect=["things.jsonl, line 1, field “record”", "unknown kind of record “spaceship”"]
    )


def test_unknown_section_in_a_json_archive(seed, tmp_path):
    path = write(tmp_path, "things.json", archive_json(spaceships=[{"slug": "enterprise"}]))
    assert_import_fails(path, expect=["things.json, field “spaceships”", "unknown section"])


def test_unknown_kind_for_a_csv_file(seed, tmp_path):
    path = write(tmp_path, "rows.csv", "slug,name\nx,X\n")
    assert_import_fails(
        path,
        expect=[
            "rows.csv, line 1, field “kind”",
            "cannot tell from the columns whether the rows are organization, place, person",
        ],
    )


def test_unknown_column_in_csv(seed, tmp_path):
    path = write(tmp_path, "people.csv", "slug,name,birthday\nx,X,1970\n")
    assert_import_fails(path, expect=["people.csv, line 1, field “birthday”", "unknown column"])


def test_unknown_field_in_json_record(seed, tmp_path):
    path = write(tmp_path, "p.json", archive_json(people=[{**PERSON, "birthday": "1970"}]))
    assert_import_fails(path, expect=["p.json, people[1] (“new-person”), field “birthday”"])


def test_duplicate_slug_inside_one_json_file(seed, tmp_path):
    people = [PERSON, {"slug": "other", "name": "Other"}, {"slug": "new-person", "name": "Again"}]
    path = write(tmp_path, "people.json", archive_json(people=people))
    assert_import_fails(
        path,
        expect=[
            "people.json, people[3] (“new-person”), field “slug”",
            "already used by the person at",
            "people[1]",
        ],
    )


def test_duplicate_slug_inside_one_csv_file(seed, tmp_path):
    path = write(tmp_path, "people.csv", "slug,name\ntwin,One\nsingle,Two\ntwin,Three\n")
    assert_import_fails(
        path,
        expect=["people.csv, line 4, person “twin”, field “slug”", "people.csv, line 2"],
    )


def test_duplicate_derived_slug_inside_one_csv_file(seed, tmp_path):
    """Rows without a slug are keyed by the slug their name makes: two alike are ambiguous."""
    path = write(tmp_path, "people.csv", "name,roles\nAnna Smith,Reporter\nAnna Smith,Editor\n")
    assert_import_fails(path, expect=["people.csv, line 3", "field “slug”", "“anna-smith”"])


def truncated_wxr(tmp_path):
    text = (FIXTURES / "wordpress.xml").read_text(encoding="utf-8")
    cut = text.index("Officials <a href")
    return write(tmp_path, "truncated.xml", text[:cut]), text[:cut].count("\n") + 1


def test_truncated_wordpress_export(seed, tmp_path):
    path, last_line = truncated_wxr(tmp_path)
    assert_import_fails(
        path,
        expect=[
            f"truncated.xml, line {last_line}, item 1, field “content:encoded”",
            "the XML is malformed or cut short",
        ],
    )


def test_truncated_export_after_complete_items_writes_none_of_them(seed, tmp_path):
    text = (FIXTURES / "wordpress.xml").read_text(encoding="utf-8")
    cut = text.index("<title><![CDATA[About Camp Watch]]>")
    path = write(tmp_path, "truncated.xml", text[:cut])
    assert_import_fails(path, expect=["truncated.xml, line", "item 5", "field “item”"])


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>
<item><title>&lol4;</title><wp:post_type>post</wp:post_type></item></channel></rss>
"""


def test_xml_entity_bomb_is_refused(seed, tmp_path):
    path = write(tmp_path, "bomb.xml", BILLION_LAUGHS)
    assert_import_fails(
        path,
        expect=["bomb.xml, line 3, field “DOCTYPE”", "EntitiesForbidden", "refused"],
    )


def test_external_entity_is_refused(seed, tmp_path):
    secret = write(tmp_path, "secret.txt", "top secret")
    xml = BILLION_LAUGHS.replace(
        """ <!ENTITY lol "lol">""", f""" <!ENTITY lol SYSTEM "file://{secret}">"""
    )
    path = write(tmp_path, "xxe.xml", xml)
    message = assert_import_fails(path, expect=["xxe.xml, line 3, field “DOCTYPE”"])
    assert "top secret" not in message


def test_xml_that_is_not_a_wordpress_export(seed, tmp_path):
    path = write(
        tmp_path, "feed.xml", "<rss><channel><item><title>x</title></item></channel></rss>"
    )
    assert_import_fails(path, expect=["feed.xml, line 1, field “wp:wxr_version”"])


LATIN_1 = "slug,name,description\nfirst,First,Fine\nsecond,Second,Caf\xe9 owner\n".encode("latin-1")


def test_non_utf8_csv_names_line_and_column(seed, tmp_path):
    path = write(tmp_path, "people.csv", LATIN_1)
    assert_import_fails(
        path, expect=["people.csv, line 3, field “description”", "not UTF-8 text", "save the file"]
    )


def test_non_utf8_json_lines(seed, tmp_path):
    text = '{"record": "person", "slug": "a", "name": "A"}\n{"record": "person", "slug": "b", '
    path = write(tmp_path, "p.jsonl", (text + '"name": "Caf\xe9"}\n').encode("latin-1"))
    assert_import_fails(path, expect=["p.jsonl, line 2", "not UTF-8 text"])


def test_non_utf8_json_archive(seed, tmp_path):
    people = [{"slug": "cafe", "name": "Caf\xe9"}]
    text = json.dumps({"format": "archive", "version": 1, "people": people}, ensure_ascii=False)
    path = write(tmp_path, "p.json", text.encode("latin-1"))
    assert_import_fails(
        path,
        expect=["p.json, line 1", f"not UTF-8 text (byte {text.index('Caf') + 3} of the line)"],
    )


def test_non_utf8_text_capture(seed, tmp_path):
    path = write(tmp_path, "capture.txt", "Title\n\nCaf\xe9 society\n".encode("latin-1"))
    assert_import_fails(path, expect=["capture.txt, line 3", "not UTF-8 text"])


def test_non_utf8_wordpress_export(seed, tmp_path):
    text = (FIXTURES / "wordpress-1.1.xml").read_text(encoding="utf-8")
    text = text.replace("Many were hurt.", "Many were hurt in the caf\xe9.")
    path = write(tmp_path, "old.xml", text.encode("latin-1"))
    line = text[: text.index("caf\xe9")].count("\n") + 1
    assert_import_fails(path, expect=[f"old.xml, line {line}", "field “content:encoded”"])


def test_file_over_the_limit(seed, tmp_path):
    path = write(tmp_path, "big.json", archive_json(people=[PERSON]))
    size = path.stat().st_size
    assert_import_fails(
        path,
        "--max-bytes",
        "100",
        expect=[f"big.json: the file is {size:,} bytes, over the import limit of 100 bytes"],
    )
    run_import(path, "--max-bytes", str(size))  # at the limit is fine


def test_file_over_the_configured_limit(seed, tmp_path, settings):
    settings.ARCHIVE_IMPORT_MAX_BYTES = 10
    path = write(tmp_path, "big.jsonl", '{"record": "person", "slug": "a", "name": "A"}\n')
    assert_import_fails(path, expect=["big.jsonl", "over the import limit of 10 bytes"])


def test_capture_file_outside_the_import_folder_is_refused(seed, tmp_path):
    write(tmp_path, "outside.txt", "Secret text\n")
    folder = tmp_path / "archive"
    folder.mkdir()
    article = {"slug": "sneaky", "title": "Sneaky", "capture_file": "../outside.txt"}
    path = write(folder, "a.json", archive_json(articles=[article]))
    assert_import_fails(
        path,
        expect=[
            "a.json, articles[1] (“sneaky”), field “capture_file”",
            "points outside the import's folder",
        ],
    )


def test_capture_file_symlink_out_of_the_folder_is_refused(seed, tmp_path):
    write(tmp_path, "outside.txt", "Secret text\n")
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "inside.txt").symlink_to(tmp_path / "outside.txt")
    article = {"slug": "sneaky", "title": "Sneaky", "capture_file": "inside.txt"}
    path = write(folder, "a.json", archive_json(articles=[article]))
    assert_import_fails(path, expect=["field “capture_file”", "outside the import's folder"])


def test_link_to_a_missing_record(seed, tmp_path):
    path = write(tmp_path, "events.csv", "slug,title,people\nmeeting,A meeting,nobody-known\n")
    assert_import_fails(
        path,
        expect=["events.csv, line 2, event “meeting”, field “people”", "“nobody-known”"],
    )


def test_several_problems_are_all_reported(seed, tmp_path):
    rows = "slug,title,date\na,A,2016-13\nb,,2016\nc,C,never\n"
    path = write(tmp_path, "events.csv", rows)
    message = assert_import_fails(
        path,
        expect=[
            "line 2, event “a”, field “date”",
            "line 3, event “b”, field “title”",
            "line 4, event “c”, field “date”",
        ],
    )
    assert "stopped after" not in message


def test_problems_are_reported_up_to_a_limit(seed, tmp_path):
    rows = "".join(f"e{number},Event {number},not a date\n" for number in range(200))
    path = write(tmp_path, "events.csv", "slug,title,date\n" + rows)
    message = assert_import_fails(path, expect=["(stopped after 50 problems)"])
    assert message.count("field “date”") == 50


def test_a_file_of_nothing_but_bad_lines_is_reported_up_to_the_limit(seed, tmp_path):
    path = write(tmp_path, "broken.jsonl", "{not json\n" * 2000)
    message = assert_import_fails(path, expect=["(stopped after 50 problems)"])
    assert message.count("malformed JSON") == 50
    assert "broken.jsonl, line 50:" in message
    assert "broken.jsonl, line 51:" not in message


def test_problems_of_reading_and_of_writing_are_listed_in_file_order(seed, tmp_path):
    lines = [
        {"record": "event", "slug": "e2", "title": "Two", "date": "2016-13"},
        "{not json",
        {"record": "event", "slug": "e4", "title": "Four", "date": "never"},
        {"record": "unicorn", "slug": "e5"},
        {"record": "event", "slug": "e6", "title": "Six", "people": ["nobody-known"]},
    ]
    text = "".join(
        (line if isinstance(line, str) else json.dumps(line)) + "\n"
        for line in [{"format": "archive", "version": 1}, *lines]
    )
    message = assert_import_fails(write(tmp_path, "events.jsonl", text))
    found = [message.index(f"events.jsonl, line {number}") for number in range(2, 7)]
    assert found == sorted(found), message


def test_one_bad_file_keeps_the_good_files_of_the_run_out_too(seed, tmp_path):
    good = write(tmp_path, "places.csv", "slug,name\nnew-place,New place\n")
    bad = write(tmp_path, "events.csv", "slug,title,date\nx,X,2016-99\n")
    assert_import_fails(good, bad, expect=["events.csv, line 2, event “x”, field “date”"])


def test_missing_file_and_folder(seed, tmp_path):
    assert_import_fails(tmp_path / "nothing.json", expect=["nothing.json: no such file"])
    assert_import_fails(tmp_path, expect=["is a folder; name the files in it"])


def test_unknown_extension(seed, tmp_path):
    path = write(tmp_path, "data.yaml", "a: 1\n")
    assert_import_fails(path, expect=["data.yaml: cannot tell the format from “.yaml”"])


def test_front_matter_with_an_unknown_key(seed, tmp_path):
    path = write(tmp_path, "note.md", "---\ntitle: A note\nauthor: Someone\n---\nText.\n")
    assert_import_fails(path, expect=["note.md, line 3, field “author”", "unknown front matter"])


def test_malformed_front_matter(seed, tmp_path):
    path = write(tmp_path, "note.md", "---\ntitle: [unclosed\n---\nText.\n")
    assert_import_fails(path, expect=["note.md, line", "malformed YAML front matter"])


def test_nul_character_is_refused_on_every_database(seed, tmp_path):
    path = write(tmp_path, "p.jsonl", '{"record": "person", "slug": "nul", "name": "A\\u0000B"}\n')
    assert_import_fails(path, expect=["p.jsonl, line 1, person “nul”, field “name”", "NUL"])


def test_duplicate_slug_far_apart_in_a_long_json_lines_file(seed, tmp_path):
    """The import works a chunk of records at a time; a duplicate is caught across chunks."""
    people = [{"record": "person", "slug": f"person-{n}", "name": f"P {n}"} for n in range(600)]
    people.append({"record": "person", "slug": "person-3", "name": "Again"})
    path = write(tmp_path, "people.jsonl", "\n".join(json.dumps(p) for p in people) + "\n")
    assert_import_fails(
        path,
        expect=[
            "people.jsonl, line 601, person “person-3”, field “slug”",
            "already used by the person at",
            "people.jsonl, line 4, person “person-3”; each record",
        ],
    )


def test_duplicate_of_a_record_that_failed_is_reported_too(seed, tmp_path):
    path = write(tmp_path, "events.csv", "slug,title,date\ntwin,One,2016-13-45\ntwin,Two,2016\n")
    assert_import_fails(
        path,
        expect=[
            "events.csv, line 2, event “twin”, field “date”",
            "events.csv, line 3, event “twin”, field “slug”",
            "already used by the event at",
            "events.csv, line 2, event “twin”; each record",
        ],
    )
