"""Dates known to the day, the month, the year, or not at all.

A partial date is stored as the ISO 8601 prefix of what is known: "2016-09-12", "2016-09",
"2009", or "" when the date is unknown. Those strings sort chronologically as text, so lists
order by the column directly, and "everything in 2016" is a ``startswith`` lookup.

A source may also give a day without its year ("on August 2"); ISO 8601's "--MM-DD" keeps
exactly that much ("--08-02"), and such dates sort before every dated year.
"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

ISO_PATTERN = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
NO_YEAR_PATTERN = re.compile(r"^--(\d{1,2})-(\d{1,2})$")
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTH_NUMBERS = {name.lower(): number for number, name in enumerate(MONTHS, start=1)}
MONTH_NUMBERS.update({name[:3].lower(): number for number, name in enumerate(MONTHS, start=1)})
PROSE_PATTERN = re.compile(
    r"^(?:(?P<day>\d{1,2})\s+)?(?P<month>[A-Za-z]+)\.?,?(?:\s+(?P<year>\d{4}))?$"
    r"|^(?P<month2>[A-Za-z]+)\.?\s+(?P<day2>\d{1,2})(?:,\s*(?P<year2>\d{4}))?$"
)

DAY, MONTH, YEAR, DAY_NO_YEAR, UNKNOWN = "day", "month", "year", "day without year", "unknown"

HELP_TEXT = (
    "As precise as the source allows: 2016-09-12, 2016-09 or 2016 "
    "(also “12 September 2016”, “September 2016”). Leave empty if unknown."
)


class PartialDate(str):
    """An ISO date prefix that knows its precision and how to show itself honestly."""

    def __new__(cls, value=""):
        text = cls.normalise(value)
        return super().__new__(cls, text)

    @staticmethod
    def normalise(value):
        if value is None:
            return ""
        if isinstance(value, PartialDate):
            return str.__str__(value)
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, int):
            value = str(value)
        if not isinstance(value, str):
            raise ValueError(f"not a date: {value!r}")
        text = value.strip()
        if not text:
            return ""
        match = ISO_PATTERN.match(text)
        no_year = NO_YEAR_PATTERN.match(text)
        if no_year:
            year, (month, day) = None, (int(part) for part in no_year.groups())
        elif match:
            year, month, day = (int(part) if part else None for part in match.groups())
        else:
            year, month, day = _parse_prose(text)
        return _format(year, month, day)

    @property
    def parts(self):
        """(year, month, day), each None when not known."""
        if not self:
            return (None, None, None)
        if self.startswith("--"):
            return (None, int(self[2:4]), int(self[5:7]))
        numbers = [int(part) for part in self.split("-")]
        return tuple(numbers + [None] * (3 - len(numbers)))

    @property
    def year(self):
        return self.parts[0]

    @property
    def month(self):
        return self.parts[1]

    @property
    def day(self):
        return self.parts[2]

    @property
    def precision(self):
        if not self:
            return UNKNOWN
        if self.year is None:
            return DAY_NO_YEAR
        return {4: YEAR, 7: MONTH, 10: DAY}[len(self)]

    @property
    def is_known(self):
        return bool(self)

    @property
    def display(self):
        """ "12 September 2016", "September 2016", "2009", "2 August (year not given)"
        or "Date unknown"."""
        if not self:
            return "Date unknown"
        if self.year is None:
            return f"{self.day} {MONTHS[self.month - 1]} (year not given)"
        if self.day:
            return f"{self.day} {MONTHS[self.month - 1]} {self.year}"
        if self.month:
            return f"{MONTHS[self.month - 1]} {self.year}"
        return str(self.year)

    def earliest(self):
        """The first day the date can mean, or None when unknown."""
        if self.year is None:
            return None
        return datetime.date(self.year, self.month or 1, self.day or 1)

    def __repr__(self):
        return f"PartialDate({str.__str__(self)!r})"


def _parse_prose(text):
    match = PROSE_PATTERN.match(text)
    if not match:
        raise ValueError(
            f"“{text}” is not a date: use 2016-09-12, 2016-09 or 2016 (or leave it empty)."
        )
    month_name = (match.group("month") or match.group("month2")).lower()
    if month_name not in MONTH_NUMBERS:
        raise ValueError(
            f"“{text}” is not a date: use 2016-09-12, 2016-09 or 2016 (or leave it empty)."
        )
    day = match.group("day") or match.group("day2")
    year = match.group("year") or match.group("year2")
    if not year and not day:
        raise ValueError(f"“{text}”: a month needs its year.")
    return int(year) if year else None, MONTH_NUMBERS[month_name], int(day) if day else None


def _format(year, month, day):
    if year is None:
        try:
            datetime.date(2000, month, day)  # a leap year, so 29 February is allowed
        except ValueError:
            raise ValueError(f"--{month:02d}-{day:02d} is not a real day of the year.") from None
        return f"--{month:02d}-{day:02d}"
    if month is None:
        if not 1 <= year <= 9999:
            raise ValueError(f"year {year} is out of range.")
        return f"{year:04d}"
    if day is None:
        if not 1 <= month <= 12:
            raise ValueError(f"month {month} is out of range (1-12).")
        return f"{year:04d}-{month:02d}"
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError as error:
        raise ValueError(f"{year:04d}-{month:02d}-{day:02d} is not a real day: {error}.") from None


def to_partial_date(value):
    """Parse anything a person or a file may give as a date, or raise ValidationError."""
    try:
        return PartialDate(value)
    except ValueError as error:
        raise ValidationError(str(error), code="invalid_date") from None


class PartialDateFormField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", HELP_TEXT)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("placeholder", "YYYY-MM-DD, YYYY-MM or YYYY")

    def to_python(self, value):
        return to_partial_date(super().to_python(value))


class PartialDateField(models.CharField):
    description = "A date known to the day, the month, the year, or not at all"

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = 10
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("help_text", HELP_TEXT)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return PartialDate(value or "")

    def to_python(self, value):
        return to_partial_date(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return ""
        return str.__str__(to_partial_date(value))

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", PartialDateFormField)
        return super().formfield(**kwargs)
