from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from archive.search.documents import INDEXED_MODELS, kind_of
from archive.search.index import rebuild


class DryRunRollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Empty the search index and build it again from every published record. "
        "Run it after migrating a database that already holds records."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--kind",
            action="append",
            choices=[kind_of(model) for model in INDEXED_MODELS],
            help="Rebuild only this kind of record (repeat for several). Default: all.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Build the index, report, then roll back."
        )

    def handle(self, *args, **options):
        kinds = options["kind"]
        models = [m for m in INDEXED_MODELS if not kinds or kind_of(m) in kinds]
        self.stdout.write("Rebuilding the search index:")
        counts = None
        try:
            with transaction.atomic():
                counts = rebuild(models, stdout=self.stdout)
                if options["dry_run"]:
                    raise DryRunRollback
        except DryRunRollback:
            pass
        except DatabaseError as error:
            raise CommandError(
                f"The search index could not be rebuilt ({error}); nothing was changed. "
                "Has the database been migrated? Run: manage.py migrate"
            ) from None
        total = sum(counts.values())
        if options["dry_run"]:
            self.stdout.write(f"Dry run: nothing was written. Would index {total} records.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Indexed {total} published records."))
