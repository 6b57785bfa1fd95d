"""The seed archive, checked against the capture it was built from."""

import hashlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from archive.models import Article, Event, ImportRun, Organization, Person, Place, Quotation

CAPTURE = Path(__file__).resolve().parent.parent / "archive" / "seed" / "000_d13298caa99095e9.txt"
SHARED_CAPTURE = CAPTURE.parents[3] / "shared" / "seed" / CAPTURE.name
ARTICLE_SLUG = "a-shift-in-us-sympathies-regarding-the-mujahedeen-e-khalq"
TITLE = "A Shift in U.S. Sympathies Regarding the Mujahedeen e-Khalq?"

pytestmark = pytest.mark.django_db


def capture_lines():
    return [line for line in CAPTURE.read_text(encoding="utf-8").split("\n") if line.strip()]


@pytest.fixture
def article(seed):
    return Article.objects.get(slug=ARTICLE_SLUG)


def test_shipped_capture_is_the_original():
    if SHARED_CAPTURE.exists():
        assert CAPTURE.read_bytes() == SHARED_CAPTURE.read_bytes()
    assert hashlib.sha256(CAPTURE.read_bytes()).hexdigest() == (
        "845a20f6bed4481fad50380594ab83844422af26b11466bd87091f929aa2c5e4"
    )


def test_body_is_the_capture_paragraphs_without_breadcrumb_and_footer(article):
    lines = capture_lines()
    assert lines[0].startswith("Home News Iranian Opposition ")
    assert lines[-1] == "Exit mobile version"
    assert article.paragraphs == lines[1:-1]
    assert article.paragraphs[0] == TITLE
    assert article.body == "\n\n".join(lines[1:-1])


def test_article_metadata_is_what_the_capture_gives_and_no_more(article):
    assert article.title == TITLE
    assert article.section == "Iranian Opposition"
    assert article.is_published
    assert article.byline == ""
    assert article.source_name == ""
    assert article.source_url == ""
    assert article.publication_date.precision == "unknown"
    assert article.publication_date.display == "Date unknown"


def test_capture_and_its_sha256_are_recorded(article):
    assert article.capture_text == CAPTURE.read_text(encoding="utf-8")
    assert article.capture_sha256 == hashlib.sha256(CAPTURE.read_bytes()).hexdigest()
    assert article.capture_verified
    article.capture_text += " altered"
    assert not article.capture_verified


def test_every_quotation_is_verbatim_and_from_the_article(article):
    text = CAPTURE.read_text(encoding="utf-8")
    quotations = Quotation.objects.all()
    assert quotations.count() == 13
    for quotation in quotations:
        assert quotation.text in text, quotation.slug
        assert quotation.article == article
        assert quotation.is_published


def speakers(slug):
    quotation = Quotation.objects.get(slug=slug)
    return (
        {person.slug for person in quotation.people.all()},
        {organization.slug for organization in quotation.organizations.all()},
        str(quotation.date),
        quotation.medium,
    )


@pytest.mark.parametrize(
    ("slug", "people", "organizations", "date", "medium"),
    [
        (
            "kerry-significant-american-diplomatic-initiative",
            {"john-kerry"},
            set(),
            "2016-09-12",
            "statement",
        ),
        (
            "mccain-imperative-residents-recognized",
            {"john-mccain"},
            set(),
            "--09-09",
            "press_release",
        ),
        ("mccain-safe-resettlement-vital-step", {"john-mccain"}, set(), "--09-09", "press_release"),
        (
            "royce-engel-safety-and-security-of-the-residents",
            {"ed-royce", "eliot-engel"},
            set(),
            "--09-09",
            "press_release",
        ),
        (
            "open-letter-will-attack",
            set(),
            {"thirty-six-former-us-national-security-officials"},
            "--08-19",
            "open_letter",
        ),
        (
            "s-con-res-42-resettled-in-albania",
            set(),
            {"senate-foreign-relations-committee"},
            "2016-07-14",
            "resolution",
        ),
        ("tanter-martin-who-will-guard-the-guardians", {"tanter", "martin"}, set(), "", "writing"),
        (
            "state-department-people-in-need-of-international-protection",
            set(),
            {"state-department"},
            "",
            "statement",
        ),
    ],
)
def test_quotations_are_attributed_with_their_dates(
    seed, slug, people, organizations, date, medium
):
    assert speakers(slug) == (people, organizations, date, medium)


def test_joint_release_has_two_speakers(seed):
    quotation = Quotation.objects.get(slug="royce-engel-safety-and-security-of-the-residents")
    assert quotation.text.startswith("The safety and security of the residents")
    assert quotation.people.count() == 2


@pytest.mark.parametrize(
    ("slug", "date", "precision", "display"),
    [
        ("2016-07-14-s-con-res-42-approved", "2016-07-14", "day", "14 July 2016"),
        ("2009-attack-on-camp-ashraf", "2009", "year", "2009"),
        ("2011-attack-on-camp-ashraf", "2011", "year", "2011"),
        ("2013-attack-on-iranian-dissidents", "2013", "year", "2013"),
        ("2004-id-cards-for-dissidents", "2004", "year", "2004"),
        ("2016-09-12-kerry-statement", "2016-09-12", "day", "12 September 2016"),
        ("2016-09-09-remaining-residents-depart", "2016-09-09", "day", "9 September 2016"),
        ("mois-statement-august-2", "--08-02", "day without year", "2 August (year not given)"),
        ("open-letter-august-19", "--08-19", "day without year", "19 August (year not given)"),
    ],
)
def test_events_carry_the_dates_the_text_gives(seed, slug, date, precision, display):
    event = Event.objects.get(slug=slug)
    assert (str(event.date), event.date.precision, event.date.display) == (date, precision, display)


def test_senate_committee_approval_links_mccain_and_the_committee(seed):
    event = Event.objects.get(slug="2016-07-14-s-con-res-42-approved")
    assert "S. CON. RES. 42" in event.title
    assert [p.slug for p in event.people.all()] == ["john-mccain"]
    assert [o.slug for o in event.organizations.all()] == ["senate-foreign-relations-committee"]


def test_attack_places_are_only_those_the_text_names(seed):
    assert Event.objects.get(slug="2009-attack-on-camp-ashraf").place.slug == "camp-ashraf"
    assert Event.objects.get(slug="2011-attack-on-camp-ashraf").place.slug == "camp-ashraf"
    assert Event.objects.get(slug="2013-attack-on-iranian-dissidents").place is None


def test_people_named_by_surname_only_keep_only_the_surname(seed):
    for slug, name in [("tanter", "Tanter"), ("martin", "Martin"), ("obama", "Obama")]:
        person = Person.objects.get(slug=slug)
        assert person.name == name
    assert Person.objects.get(slug="obama").role_list == ["President"]
    assert Person.objects.get(slug="tanter").role_list == []


def test_people_roles_and_aliases_are_as_the_text_states(seed):
    mccain = Person.objects.get(slug="john-mccain")
    assert "McCain" in mccain.alias_list
    assert "Senate Armed Services Committee chair" in mccain.role_list
    affiliation = mccain.affiliations.get()
    assert (affiliation.organization.slug, affiliation.role) == (
        "senate-armed-services-committee",
        "Chair",
    )
    winer = Person.objects.get(slug="jonathan-winer")
    assert winer.role_list == ["State Department Special Envoy"]


def test_every_named_person_is_in_the_text_and_linked_to_the_article(article):
    text = CAPTURE.read_text(encoding="utf-8")
    people = Person.objects.all()
    assert people.count() == 13
    for person in people:
        assert person.name in text, person.name
    assert set(article.people.all()) == set(people)


def test_organisations_and_places_are_named_in_the_text_and_linked(article):
    text = CAPTURE.read_text(encoding="utf-8")
    for record in [*Organization.objects.all(), *Place.objects.all()]:
        assert any(name in text for name in record.names), record
    assert set(article.organizations.all()) == set(Organization.objects.all())
    assert set(article.places.all()) == set(Place.objects.all())
    assert set(article.events.all()) == set(Event.objects.all())
    mek = Organization.objects.get(slug="mujahedeen-e-khalq")
    assert mek.acronym == "MEK"


def snapshot():
    models = [Article, Event, Organization, Person, Place, Quotation]
    return {
        model.__name__: sorted(
            (obj.slug, obj.updated_at.isoformat()) for obj in model.objects.all()
        )
        for model in models
    }


def test_loading_twice_changes_nothing(seed):
    before = snapshot()
    out = StringIO()
    call_command("load_seed", stdout=out)
    assert snapshot() == before
    assert "0 created, 0 updated, 1 unchanged" in out.getvalue()
    assert ImportRun.objects.filter(command="load_seed", succeeded=True).count() == 2


def test_dry_run_writes_nothing(db):
    out = StringIO()
    call_command("load_seed", "--dry-run", stdout=out)
    assert "1 created" in out.getvalue()
    assert Article.objects.count() == 0
    assert ImportRun.objects.count() == 0


def test_seed_records_carry_the_run_that_wrote_them(article):
    run = ImportRun.objects.get()
    assert article.import_run == run
    assert run.counts["article"]["created"] == 1
