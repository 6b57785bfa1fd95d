"""Partial dates as readers see them, in the interface's language.

English reads as it always has ("12 September 2016", "September 2016", "2009"; see
``PartialDate.display``, which stays English: the search index and the admin store it).
Persian pages use Persian digits and show the Solar Hijri date beside the Gregorian one, as
honestly as the date is known: a Gregorian year spans two Solar Hijri years (2016 began on
11 Dey 1394 and ended on 11 Dey 1395), so a year known only as 2016 reads "۱۳۹۴–۱۳۹۵", and a
month spans two Solar Hijri months; only a full date has one Solar Hijri date. A day without
its year has none.
"""

import calendar
import datetime

import jdatetime
from django.utils import translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext

# Languages whose pages show the Solar Hijri calendar beside the Gregorian one, and write
# digits in Persian.
SOLAR_HIJRI_LANGUAGES = {"fa"}
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def shows_solar_hijri():
    return translation.get_supported_language_variant(translation.get_language()) in (
        SOLAR_HIJRI_LANGUAGES
    )


def persian_digits(text):
    return str(text).translate(PERSIAN_DIGITS)


def solar(day):
    """The Solar Hijri (year, month, day) of a Gregorian ``datetime.date``."""
    converted = jdatetime.date.fromgregorian(date=day)
    return converted.year, converted.month, converted.day


def solar_month_name(month):
    return jdatetime.date.j_months_fa[month - 1]


def solar_hijri(value):
    """The Solar Hijri date or span a partial date covers, in Persian digits ("" when the year
    is not known): "۲۲ شهریور ۱۳۹۵", "شهریور–مهر ۱۳۹۵", "اسفند ۱۳۹۴ – فروردین ۱۳۹۵",
    "۱۳۹۴–۱۳۹۵"."""
    if not value or value.year is None:
        return ""
    year, month, day = value.parts
    if day:
        y, m, d = solar(datetime.date(year, month, day))
        return persian_digits(f"{d} {solar_month_name(m)} {y}")
    if month:
        first = datetime.date(year, month, 1)
        last = datetime.date(year, month, calendar.monthrange(year, month)[1])
    else:
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    (y1, m1, _), (y2, m2, _) = solar(first), solar(last)
    if not month:
        text = f"{y1}–{y2}" if y1 != y2 else f"{y1}"
    elif y1 != y2:
        text = f"{solar_month_name(m1)} {y1} – {solar_month_name(m2)} {y2}"
    elif m1 != m2:
        text = f"{solar_month_name(m1)}–{solar_month_name(m2)} {y1}"
    else:
        text = f"{solar_month_name(m1)} {y1}"
    return persian_digits(text)


def gregorian(value):
    """The Gregorian date as known, in the active language."""
    if not value:
        return gettext("Date unknown")
    year, month, day = value.parts
    if year is None:
        text = gettext("%(day)s %(month)s (year not given)") % {
            "day": day,
            "month": MONTHS[month],
        }
    elif day:
        text = gettext("%(day)s %(month)s %(year)s") % {
            "day": day,
            "month": MONTHS[month],
            "year": year,
        }
    elif month:
        text = gettext("%(month)s %(year)s") % {"month": MONTHS[month], "year": year}
    else:
        text = str(year)
    return persian_digits(text) if shows_solar_hijri() else text


def as_text(value):
    """A partial date as plain text: the Solar Hijri date in brackets after it on Persian
    pages."""
    text, solar_hijri = describe(value)
    if solar_hijri:
        return text + " (" + gettext("%(date)s Solar Hijri") % {"date": solar_hijri} + ")"
    return text


def describe(value):
    """(Gregorian text, Solar Hijri text or "") of a partial date for the active language."""
    if not shows_solar_hijri():
        return (value.display if value else gettext("Date unknown")), ""
    return gregorian(value), solar_hijri(value)
