from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from archive import merging


class Command(BaseCommand):
    help = (
        "Merge duplicates into one record (the survivor): their links, quotations, "
        "affiliations, events and tags move to it, their names become its aliases and their "
        "addresses lead to it. Records are named by slug."
    )

    def add_arguments(self, parser):
        kinds = ", ".join(kind.name for kind in merging.mergeable_kinds())
        parser.add_argument("kind", help=f"The kind of the records: {kinds}.")
        parser.add_argument("survivor", help="The slug of the record to keep.")
        parser.add_argument("duplicates", nargs="+", help="The slugs of the records to merge.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would move; write nothing."
        )

    def handle(self, *args, **options):
        kind = merging.kind_named(options["kind"])
        if kind is None:
            kinds = ", ".join(kind.name for kind in merging.mergeable_kinds())
            raise CommandError(f"Cannot merge “{options['kind']}”: the kinds are {kinds}.")
        try:
            survivor, *duplicates = merging.records_at(
                kind, [options["survivor"], *options["duplicates"]]
            )
            if options["dry_run"]:
                with transaction.atomic():
                    done = merging.merge(survivor, duplicates)
                    transaction.set_rollback(True)
            else:
                done = merging.merge(survivor, duplicates)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        for line in merging.summary_lines(done):
            self.stdout.write(line)
        count = len(done.duplicates)
        if options["dry_run"]:
            self.stdout.write(f"Dry run: nothing was written. Would merge {count} record(s).")
        else:
            self.stdout.write(self.style.SUCCESS(f"Merged {count} record(s) into “{survivor}”."))
