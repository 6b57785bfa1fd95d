"""English is British English here ("28 Nov 2026", as when LANGUAGE_CODE was "en-gb"): the
interface language is "en" so that English keeps its addresses without a prefix."""

from django.conf.locale.en_GB.formats import *  # noqa: F403
