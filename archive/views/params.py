"""What a reader types into an address, checked before it reaches the database."""

from django.http import Http404
from django.utils.translation import gettext


def text_param(value):
    """``value`` stripped, or a 404 for text no database should be asked about (a NUL byte,
    which PostgreSQL refuses outright)."""
    if "\x00" in value:
        raise Http404(gettext("That address contains a character the archive cannot look up."))
    return value.strip()
