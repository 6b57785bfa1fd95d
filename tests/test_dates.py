import pytest
from django.core.exceptions import ValidationError

from archive.models import Event, PartialDate


@pytest.mark.parametrize(
    ("given", "stored", "precision", "display"),
    [
        ("2016-09-12", "2016-09-12", "day", "12 September 2016"),
        ("12 September 2016", "2016-09-12", "day", "12 September 2016"),
        ("September 12, 2016", "2016-09-12", "day", "12 September 2016"),
        ("Sep. 9, 2016", "2016-09-09", "day", "9 September 2016"),
        ("2016-9", "2016-09", "month", "September 2016"),
        ("September 2016", "2016-09", "month", "September 2016"),
        ("2009", "2009", "year", "2009"),
        ("August 2", "--08-02", "day without year", "2 August (year not given)"),
        ("--08-19", "--08-19", "day without year", "19 August (year not given)"),
        ("", "", "unknown", "Date unknown"),
        (None, "", "unknown", "Date unknown"),
    ],
)
def test_partial_dates_keep_exactly_what_is_known(given, stored, precision, display):
    date = PartialDate(given)
    assert str(date) == stored
    assert date.precision == precision
    assert date.display == display


@pytest.mark.parametrize("bad", ["2016-02-30", "2016-13", "abc", "September", "--02-30", "20166"])
def test_impossible_dates_are_refused(bad):
    with pytest.raises(ValueError):
        PartialDate(bad)


def test_parts_and_earliest_day():
    assert PartialDate("2016-09").parts == (2016, 9, None)
    assert PartialDate("2016-09").earliest().isoformat() == "2016-09-01"
    assert PartialDate("--08-02").parts == (None, 8, 2)
    assert PartialDate("--08-02").earliest() is None
    assert PartialDate("").earliest() is None


@pytest.mark.django_db
def test_partial_dates_round_trip_and_sort_chronologically():
    for title, date in [
        ("day", "2016-09-12"),
        ("year", "2009"),
        ("month", "2016-09"),
        ("other year", "2011"),
        ("unknown", ""),
    ]:
        Event.objects.create(title=title, date=date)
    ordered = [str(event.date) for event in Event.objects.order_by("date")]
    assert ordered == ["", "2009", "2011", "2016-09", "2016-09-12"]
    event = Event.objects.get(title="month")
    assert isinstance(event.date, PartialDate)
    assert event.date.display == "September 2016"
    assert Event.objects.filter(date__startswith="2016").count() == 2
    assert Event.objects.filter(date="2016-9").get().title == "month"


@pytest.mark.django_db
def test_model_validation_reports_bad_dates_on_the_field():
    event = Event(title="Bad", date="2016-02-30", slug="bad")
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "date" in error.value.message_dict


@pytest.mark.django_db
def test_end_date_cannot_come_before_the_start():
    event = Event(title="Backwards", date="2016-09-12", end_date="2016-09")
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "end_date" in error.value.message_dict


def test_an_unsaved_event_shows_its_date_as_given():
    assert str(Event(title="Vote", date="2016-07-14")) == "Vote (14 July 2016)"
    assert str(Event(title="Vote")) == "Vote"
