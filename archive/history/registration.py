"""Every kind in the registry is kept under version control, in the archive's format."""

import reversion
from django.core import serializers

from .serializer import FORMAT


def register_kinds():
    from ..registry import SHOWN

    serializers.register_serializer(FORMAT, "archive.history.serializer")
    for kind in SHOWN:
        if not reversion.is_registered(kind.model):
            # Tags are kept by name beside the fields (see serializer.py), not as a field.
            reversion.register(kind.model, format=FORMAT, exclude=("tags",))


def statuses_set(sender, pks, **kwargs):
    """``set_status`` writes with ``QuerySet.update`` (no ``post_save``): keep the records as
    they now are, in the revision being recorded (an admin action's) or in one of their own."""
    from . import record_pks

    if pks:
        record_pks(sender, pks, comment="Status changed", action="status")


def connect():
    from ..models.base import statuses_changed

    statuses_changed.connect(statuses_set, dispatch_uid="archive.history.statuses")
