"""Options the data commands share: who ran them, and how long to wait for the import lock."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def add_wait_argument(parser, waiting_for):
    parser.add_argument(
        "--wait",
        type=float,
        metavar="SECONDS",
        help=f"How long to wait for {waiting_for} to finish before giving up "
        "(default: settings.ARCHIVE_IMPORT_LOCK_WAIT).",
    )


def user_named(username):
    """The user ``--user`` names (None when it is not given); a CommandError if none has it."""
    if not username:
        return None
    User = get_user_model()
    try:
        return User.objects.get(**{User.USERNAME_FIELD: username})
    except User.DoesNotExist:
        raise CommandError(f"No user “{username}”; check the --user name.") from None
