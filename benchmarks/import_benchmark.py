"""How fast is import_archive, and how much memory does it take? Prints records/s and peak memory.

For each size it writes a JSON Lines file as an export writes it: synthetic articles with
their organisations, places, people (with affiliations), events and quotations (one
quotation per four articles), links and tags skewed (a few people and tags named
everywhere, most rarely), created/updated times given; then imports it
into a fresh, migrated database through ``import_paths`` (the code path every format and the
command share: full_clean on every record, one transaction), then imports it a second time
(every record "unchanged"). Each size runs in its own process so the peak resident memory
(``ru_maxrss``) belongs to that size alone.

    .venv/bin/python benchmarks/import_benchmark.py                    # 10,000 and 100,000
    .venv/bin/python benchmarks/import_benchmark.py --sizes 2000       # a quick look
    .venv/bin/python benchmarks/import_benchmark.py --once             # skip the second import
    .venv/bin/python benchmarks/import_benchmark.py --database-url postgres://...  # emptied!
    .venv/bin/python benchmarks/import_benchmark.py --editor           # and an editor saving

With ``--editor``, an editor (a thread of the same process, logged in to the admin) saves a new
person every half second while each import runs, through the whole request path, and the
longest time one of those saves took to be answered (saved, or the busy page) is printed.
``--database-url`` runs on another database (PostgreSQL: an empty database of your own; it is
flushed first). SQLite files are written under the system temporary folder and removed
afterwards.
"""

import argparse
import itertools
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Per article: how many records of each other kind a real archive of this size holds (the
# advocacy archive the issue measured: 135,000 records for 100,000 articles).
PER_ARTICLE = {"organization": 1 / 200, "place": 1 / 500, "person": 1 / 20, "event": 1 / 50}
QUOTATIONS_PER_ARTICLE = 1 / 4
TAGS = 400
EDITOR_PAUSE_SECONDS = 0.5
WORDS = [
    "camp",
    "liberty",
    "refugees",
    "resettlement",
    "albania",
    "iraq",
    "statement",
    "committee",
    "senate",
    "report",
    "residents",
    "flights",
    "security",
    "protection",
    "envoy",
    "letter",
    "dissidents",
    "officials",
]


class Skewed:
    """Picks among ``count`` items with Zipf-like weights: a few are named everywhere (the
    leader every other article quotes), most rarely, as in a real archive."""

    def __init__(self, rng, prefix, count):
        self.rng, self.prefix, self.count = rng, prefix, count
        self.weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(count)))

    def pick(self, k):
        chosen = self.rng.choices(range(self.count), cum_weights=self.weights, k=k)
        return [f"{self.prefix}-{number}" for number in dict.fromkeys(chosen)]


def write_archive(path, articles, seed=1):
    """A JSON Lines archive as an export writes it (kinds in link order, timestamps given):
    organisations, places, people with affiliations, events, articles, quotations; links and
    tags skewed. Returns the number of records."""
    rng = random.Random(seed)
    count = {kind: max(1, int(articles * share)) for kind, share in PER_ARTICLE.items()}
    quotations = int(articles * QUOTATIONS_PER_ARTICLE)
    organizations = Skewed(rng, "organization", count["organization"])
    places = Skewed(rng, "place", count["place"])
    people = Skewed(rng, "person", count["person"])
    events = Skewed(rng, "event", count["event"])
    tags = Skewed(rng, "tag", TAGS)

    def sentence(k):
        return " ".join(rng.choices(WORDS, k=k))

    def common(number):
        stamp = (
            f"2019-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T05:06:{number % 60:02d}+00:00"
        )
        return {
            "status": "published" if number % 10 else "draft",
            "tags": [name.replace("-", " ") for name in tags.pick(rng.randint(0, 4))],
            "created_at": stamp,
            "updated_at": stamp,
        }

    def date():
        return f"{rng.randint(2000, 2020)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"

    def records():
        yield {"format": "archive", "version": 1}
        for number in range(count["organization"]):
            yield {
                "record": "organization",
                "slug": f"organization-{number}",
                "name": f"Organisation {number} {sentence(2)}",
                "acronym": f"O{number}",
                "description": sentence(30),
                **common(number),
            }
        for number in range(count["place"]):
            yield {
                "record": "place",
                "slug": f"place-{number}",
                "name": f"Place {number}",
                "aliases": [f"Place {number} {sentence(1)}"],
                **common(number),
            }
        for number in range(count["person"]):
            yield {
                "record": "person",
                "slug": f"person-{number}",
                "name": f"Person {number}",
                "aliases": [f"P. {number}"] if number % 3 == 0 else [],
                "roles": ["Synthetic"],
                "description": sentence(20),
                "affiliations": [
                    {"organization": slug, "role": "member"}
                    for slug in organizations.pick(rng.randint(0, 2))
                ],
                **common(number),
            }
        for number in range(count["event"]):
            yield {
                "record": "event",
                "slug": f"event-{number}",
                "title": f"Event {number}: {sentence(4)}",
                "date": date(),
                "place": places.pick(1)[0],
                "people": people.pick(rng.randint(0, 4)),
                "organizations": organizations.pick(rng.randint(0, 2)),
                "description": sentence(40),
                **common(number),
            }
        for number in range(articles):
            words = rng.choices(WORDS, k=120)
            yield {
                "record": "article",
                "slug": f"article-{number}",
                "title": f"Synthetic article {number}: {' '.join(words[:6])}",
                "publication_date": date(),
                "section": rng.choice(["Reports", "Statements", "Letters"]),
                "byline": f"Person {number % 97}",
                "source_url": f"https://example.org/{number}" if number % 2 else "",
                "summary": sentence(20),
                "body": "\n\n".join(" ".join(words[i : i + 40]) for i in range(0, 120, 40)),
                "people": people.pick(rng.randint(0, 6)),
                "organizations": organizations.pick(rng.randint(0, 2)),
                "places": places.pick(rng.randint(0, 2)),
                "events": events.pick(rng.randint(0, 1)),
                **common(number),
            }
        for number in range(quotations):
            yield {
                "record": "quotation",
                "slug": f"quotation-{number}",
                "text": f"Quotation {number}: {sentence(30)}",
                "people": people.pick(1),
                "organizations": organizations.pick(rng.randint(0, 1)),
                "date": date(),
                "medium": rng.choice(["statement", "speech", "interview"]),
                "article": f"article-{rng.randrange(articles)}",
                "context": sentence(10),
                **common(number),
            }

    with path.open("w", encoding="utf-8") as out:
        for record in records():
            out.write(json.dumps(record) + "\n")
    return sum(count.values()) + articles + quotations


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def cpu_seconds():
    """This process's CPU time (user and system): on a shared, loaded machine records per
    CPU-second tell more than records per second. A PostgreSQL server's own time is not in it."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Editor:
    """Saves a new person through the admin every EDITOR_PAUSE_SECONDS until stopped, and
    keeps how long each save took to be answered and with which status."""

    def __init__(self):
        from django.contrib.auth import get_user_model
        from django.test import Client

        users = get_user_model().objects
        if not users.filter(username="benchmark-editor").exists():
            users.create_superuser("benchmark-editor", None, "x" * 20)
        self.client = Client()  # logged in before the import, which would make it wait
        self.client.force_login(users.get(username="benchmark-editor"))
        self.number = 0
        self._save()  # before the import: a warm server, as a site's would be
        self.stop = threading.Event()
        self.waits = []
        self.answers = Counter()
        self.thread = threading.Thread(target=self._save_until_stopped)

    def _save_until_stopped(self):
        from django.db import connection

        while not self.stop.is_set():
            started = time.perf_counter()
            response = self._save()
            self.waits.append(time.perf_counter() - started)
            self.answers[{302: "saved", 503: "busy"}.get(response.status_code, "other")] += 1
            self.stop.wait(EDITOR_PAUSE_SECONDS)
        connection.close()

    def _save(self):
        self.number += 1
        form = _person_form(f"{os.getpid()}-{time.time_ns()}-{self.number}")
        return self.client.post("/admin/archive/person/add/", form, secure=True)

    def figures(self):
        return {"longest_wait": max(self.waits, default=0.0), **self.answers}


def _person_form(number):
    return {
        "name": f"Editor Person {number}",
        "status": "draft",
        "affiliations-TOTAL_FORMS": "0",
        "affiliations-INITIAL_FORMS": "0",
    }


def measure(size, passes, with_editor):
    """Runs in a child process with its own database: prints one JSON line of figures."""
    import django
    from django.core.management import call_command

    django.setup()
    from archive.importers import import_paths

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)  # a PostgreSQL database may hold data
    folder = Path(os.environ["BENCHMARK_FOLDER"])
    path = folder / f"articles-{size}.jsonl"
    records = write_archive(path, size)
    baseline = peak_rss_mib()
    figures = {"articles": size, "records": records, "file_mib": path.stat().st_size / 2**20}
    for label in ("first", "again")[:passes]:
        editor = Editor() if with_editor else None
        if editor:
            editor.thread.start()
        started, cpu_started = time.perf_counter(), cpu_seconds()
        counts, _ = import_paths([path], command="import_benchmark")
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
        if editor:
            editor.stop.set()
            editor.thread.join()
        figures[label] = {
            "seconds": seconds,
            "records_per_second": records / seconds,
            "records_per_cpu_second": records / cpu,
            "peak_rss_mib": peak_rss_mib(),
            "counts": counts,
            "editor": editor.figures() if editor else None,
        }
    figures["baseline_rss_mib"] = baseline
    print(json.dumps(figures))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--once", action="store_true", help="Import each file once only.")
    parser.add_argument(
        "--editor", action="store_true", help="An editor saves every half second meanwhile."
    )
    parser.add_argument(
        "--database-url",
        help="A PostgreSQL database to use (emptied first!) instead of a fresh SQLite file.",
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    passes = 1 if options.once else 2
    if options.child:
        measure(options.child, passes, options.editor)
        return
    print(f"{'articles':>9} {'records':>8} {'run':>6} {'seconds':>8} {'records/s':>10} "
          f"{'per CPU-s':>10} {'peak RSS':>10} {'baseline':>9}")  # fmt: skip
    for size in options.sizes:
        with tempfile.TemporaryDirectory(prefix="archive-import-benchmark-") as folder:
            environment = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "archive.settings",
                "DJANGO_DEBUG": "0",  # production mode: no query log growing with the run
                "DJANGO_SECRET_KEY": "import-benchmark-only-" + "x" * 40,
                "DATABASE_URL": options.database_url or f"sqlite:///{folder}/benchmark.sqlite3",
                "DJANGO_ALLOWED_HOSTS": "testserver",  # the editor's requests
                "BENCHMARK_FOLDER": folder,
                "PYTHONPATH": str(ROOT),
            }
            result = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
                [
                    sys.executable,
                    __file__,
                    *("--child", str(size)),
                    *(["--once"] * options.once),
                    *(["--editor"] * options.editor),
                ],
                env=environment,
                capture_output=True,
                text=True,
                check=True,
            )
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        for label in ("first", "again")[:passes]:
            run = figures[label]
            print(
                f"{figures['articles']:>9,} {figures['records']:>8,} {label:>6} "
                f"{run['seconds']:>8.1f} {run['records_per_second']:>10,.0f} "
                f"{run['records_per_cpu_second']:>10,.0f} "
                f"{run['peak_rss_mib']:>7,.0f} MiB {figures['baseline_rss_mib']:>5,.0f} MiB"
            )
            if run["editor"]:
                editor = run["editor"]
                print(
                    f"{'':>9} editor meanwhile: {editor.get('saved', 0)} saved, "
                    f"{editor.get('busy', 0)} busy pages, {editor.get('other', 0)} other; "
                    f"longest wait {editor['longest_wait'] * 1000:,.0f} ms"
                )
    print(
        "first: into an empty database (everything created); again: the same file a second "
        "time (everything unchanged).\nPeak RSS is the process's peak resident memory; "
        "baseline is the peak before the import (Django, migrations, writing the file)."
    )


if __name__ == "__main__":
    main()
