from django.core.management.base import BaseCommand, CommandError

from archive.importers import ArchiveBusy
from archive.importers.undo import UndoError, undo_import

from ._options import add_wait_argument, user_named


class Command(BaseCommand):
    help = (
        "Undo an import run, all or nothing: remove every record it created and return every "
        "record it updated to its version before the run (fields, links, tags). Refuses, "
        "naming them, when records it wrote were changed since (--force keeps those as they "
        "are and undoes the rest). Import runs are listed in the admin under “Import runs”."
    )

    def add_arguments(self, parser):
        parser.add_argument("run", type=int, help="The import run's number (its id).")
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would change, then change nothing."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Undo the rest when records the run wrote were changed since, leaving those "
            "records as they are now.",
        )
        parser.add_argument("--user", help="Username to record as the one who undid the run.")
        add_wait_argument(parser, "a running import")

    def handle(self, *args, **options):
        try:
            plan = undo_import(
                options["run"],
                user=user_named(options["user"]),
                force=options["force"],
                dry_run=options["dry_run"],
                lock_wait=options["wait"],
            )
        except UndoError as error:
            raise CommandError(str(error)) from None
        except ArchiveBusy as busy:
            raise CommandError(f"{busy} (--wait SECONDS waits that long for it.)") from None
        run = plan.run
        if options["dry_run"]:
            heading = f"Dry run: nothing was changed. Undoing import run {run.pk} ({run}) would:"
        else:
            heading = f"Undid import run {run.pk} ({run}):"
        self.stdout.write(heading)
        for kind, figures in plan.counts().items():
            self.stdout.write(
                f"  {kind:<12}  {figures['removed']} removed, {figures['restored']} restored, "
                f"{figures['kept']} kept"
            )
        if options["dry_run"]:
            self.stdout.write(
                f"  {'tag':<12}  {plan.new_tags} made during the run, removed if no record "
                "keeps them"
            )
        else:
            self.stdout.write(f"  {'tag':<12}  {plan.tags_removed} removed")
        for title, items, more in plan.lists():
            if not items:
                continue
            self.stdout.write(f"{title}:")
            for item in items:
                self.stdout.write(f"  {item}")
            if more:
                self.stdout.write(f"  … and {more} more")
        if plan.kept:
            self.stdout.write(
                f"--force: kept {len(plan.kept)} record(s) changed after the run as they are now "
                "(listed above)."
            )
        if not options["dry_run"]:
            numbers = ", ".join(str(pk) for pk in plan.revisions)
            self.stdout.write(
                f"Import run {run.pk} is marked undone; the undo is in the history "
                f"(revision {numbers})."
            )
