"""CSV files of organisations, places, people and events."""

import pytest

from archive.models import Event, ImportRun, Organization, Person, Place
from tests.fixtures.importing import FIXTURES, database_state, run_import, write

pytestmark = pytest.mark.django_db

CSV_FILES = [FIXTURES / name for name in ("organizations.csv", "places.csv", "people.csv")]


def test_csv_files_of_each_kind(db):
    output = run_import(*CSV_FILES, FIXTURES / "events.csv")
    assert "organization  2 created, 0 updated, 0 unchanged, 0 skipped" in output
    assert "person        3 created" in output
    council = Organization.objects.get(slug="refugee-council")
    assert (council.name, council.acronym, council.kind) == (
        "Example Refugee Council",
        "ERC",
        "ngo",
    )
    assert council.alias_list == ["The Council", "Example Council"]
    assert {tag.name for tag in council.tags.all()} == {"refugees", "Albania"}
    assert council.is_published
    municipality = Organization.objects.get(slug="example-municipality")
    assert municipality.status == "draft"  # empty status cell: the default
    assert Place.objects.get(slug="manez").name == "Manëz"

    kola = Person.objects.get(slug="mira-kola")
    assert kola.sort_name == "Kola, Mira"
    assert kola.role_list == ["Deputy mayor"]
    assert sorted((a.organization.slug, a.role) for a in kola.affiliations.all()) == [
        ("example-municipality", "Mayor"),
        ("refugee-council", ""),
    ]
    samadi = Person.objects.get(slug="hana-samadi")
    assert samadi.description == 'Wrote the reports, "as a witness".'
    assert Person.objects.get(name="Arta Dade").slug == "arta-dade"  # slug made from the name

    arrivals = Event.objects.get(slug="2016-09-arrivals-in-tirana")
    assert (str(arrivals.date), arrivals.date.display) == ("2016-09", "September 2016")
    assert str(arrivals.end_date) == "2016-10"
    assert arrivals.place.slug == "tirana"
    assert [p.slug for p in arrivals.people.all()] == ["hana-samadi"]
    assert {o.slug for o in arrivals.organizations.all()} == {
        "refugee-council",
        "example-municipality",
    }
    assert arrivals.description == "Arrivals over\ntwo months."
    assert Event.objects.get(slug="2017-welcome-event").date.precision == "year"


def test_importing_the_same_csv_twice_changes_nothing(db):
    run_import(*CSV_FILES)
    before = database_state()
    output = run_import(*CSV_FILES)
    assert "person        0 created, 0 updated, 3 unchanged" in output
    counts, exported = database_state()
    assert exported == before[1]
    assert counts["ImportRun"] == before[0]["ImportRun"] + 1
    assert ImportRun.objects.first().counts["person"] == {"unchanged": 3}


def test_a_changed_row_is_updated_not_duplicated(db, tmp_path):
    run_import(*CSV_FILES)
    first_run = Person.objects.get(slug="hana-samadi").import_run
    changed = (FIXTURES / "people.csv").read_text(encoding="utf-8").replace("Reporter", "Editor")
    path = write(tmp_path, "people.csv", changed)
    output = run_import(path)
    assert "person  0 created, 1 updated, 2 unchanged" in output
    samadi = Person.objects.get(slug="hana-samadi")
    assert samadi.role_list == ["Editor"]
    assert samadi.import_run != first_run
    assert samadi.import_run == ImportRun.objects.first()
    assert Person.objects.get(slug="mira-kola").import_run == first_run
    assert Person.objects.count() == 3


def test_empty_status_cell_keeps_an_existing_status(db, tmp_path):
    run_import(*CSV_FILES)
    path = write(tmp_path, "organizations.csv", "slug,name,status\nrefugee-council,New name,\n")
    run_import(path)
    council = Organization.objects.get(slug="refugee-council")
    assert (council.name, council.status) == ("New name", "published")


def test_kind_option_for_a_header_several_kinds_share(db, tmp_path):
    path = write(tmp_path, "list.csv", "slug,name,kind\nvlora,Vlorë,city\n")
    output = run_import(path, "--kind", "place")
    assert "place  1 created" in output
    assert Place.objects.get(slug="vlora").kind == "city"


def test_kind_told_by_the_header(db, tmp_path):
    path = write(tmp_path, "list.csv", "title,date\nA meeting,2016-09-12\n")
    run_import(path)
    assert str(Event.objects.get(slug="a-meeting").date) == "2016-09-12"


def test_spreadsheet_csv_with_byte_order_mark_and_crlf(db, tmp_path):
    path = write(tmp_path, "places.csv", "\ufeffslug,name\r\nshkoder,Shkodër\r\n".encode())
    run_import(path)
    assert Place.objects.get(slug="shkoder").name == "Shkodër"


def test_partial_dates_in_every_form(db, tmp_path):
    rows = "slug,title,date\ny,Y,2009\nm,M,2016-09\nd,D,2016-09-12\np,P,12 September 2016\nu,U,\n"
    run_import(write(tmp_path, "events.csv", rows))
    dates = dict(Event.objects.values_list("slug", "date"))
    assert dates == {"y": "2009", "m": "2016-09", "d": "2016-09-12", "p": "2016-09-12", "u": ""}
