"""How fast is /search/ at 100,000 articles? Prints median and 95th percentile per query.

Builds (or reuses) a separate database of synthetic records: articles with people, events and
tags, written with ``bulk_create`` and indexed by the ``rebuild_search_index`` command, then
requests ``/search/?q=...`` through Django's test client (URL routing, middleware, view and
template included) for a common word, a rare word and a two-word query.

    .venv/bin/python benchmarks/search_benchmark.py                 # SQLite, /tmp file
    .venv/bin/python benchmarks/search_benchmark.py --reuse         # skip building the data
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/search_bench \\
        .venv/bin/python benchmarks/search_benchmark.py             # PostgreSQL

The database named by DATABASE_URL (default ``sqlite:////tmp/archive-search-benchmark.sqlite3``)
is emptied and filled: never point it at data you want to keep.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# Production mode (no query logging), served over plain HTTP to the test client.
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("DJANGO_SECRET_KEY", "search-benchmark-only-" + "x" * 40)
os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
DEFAULT_DATABASE = "sqlite:////tmp/archive-search-benchmark.sqlite3"

ARTICLES = 100_000
PEOPLE = 2_000
EVENTS = 1_000
TAGS = 60
SECTIONS = ["Iranian Opposition", "Human Rights", "Diplomacy", "Iraq", "Europe", "Congress"]
# Words planted with a known share of articles, so the queries hit known result sizes.
PLANTED = {"refugees": 0.5, "camp": 0.15, "liberty": 0.12, "albania": 0.0005}
QUERIES = [("common word", "refugees"), ("rare word", "albania"), ("two words", "camp liberty")]
SYLLABLES = [
    *("ka", "ri", "to", "mel", "an", "sur", "vo", "de", "li", "pra"),
    *("gan", "tel", "os", "un", "ber", "ash", "mir", "zo", "qua", "ne"),
]


def pseudo_words(rng, count):
    words = set()
    while len(words) < count:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def zipf_sampler(rng, vocabulary):
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    cumulative, total = [], 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)

    def sample(k):
        return rng.choices(vocabulary, cum_weights=cumulative, k=k)

    return sample


def build(rng):
    from django.core.management import call_command
    from taggit.models import Tag, TaggedItem

    from archive.models import Article, Event, Person, Status
    from archive.search.models import SearchEntry

    print("Migrating and emptying the benchmark database…", flush=True)
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    vocabulary = pseudo_words(rng, 20_000)
    sample = zipf_sampler(rng, vocabulary)
    started = time.perf_counter()

    people = Person.objects.bulk_create(
        Person(
            name=f"{w1.title()} {w2.title()}",
            slug=f"person-{n}",
            sort_name=f"{w2.title()}, {w1.title()}",
            aliases=w2.title(),
            description=" ".join(sample(30)),
            status=Status.PUBLISHED,
        )
        for n, (w1, w2) in enumerate(
            zip(rng.sample(vocabulary, PEOPLE), sample(PEOPLE), strict=True)
        )
    )
    events = Event.objects.bulk_create(
        Event(
            title=" ".join(sample(6)).capitalize(),
            slug=f"event-{n}",
            date=f"{rng.randint(2003, 2020)}-{rng.randint(1, 12):02d}",
            description=" ".join(sample(60)),
            status=Status.PUBLISHED,
        )
        for n in range(EVENTS)
    )
    tags = Tag.objects.bulk_create(Tag(name=f"topic {n}", slug=f"topic-{n}") for n in range(TAGS))

    def body():
        words = sample(rng.randint(150, 400))
        for word, share in PLANTED.items():
            if rng.random() < share:
                words.insert(rng.randrange(len(words)), word)
        return " ".join(words).capitalize() + "."

    batch = 5_000
    for start in range(0, ARTICLES, batch):
        Article.objects.bulk_create(
            Article(
                title=" ".join(sample(8)).capitalize(),
                slug=f"article-{n}",
                summary=" ".join(sample(25)),
                body=body(),
                section=rng.choice(SECTIONS),
                publication_date=f"{rng.randint(2003, 2020)}-{rng.randint(1, 12):02d}-"
                f"{rng.randint(1, 28):02d}",
                status=Status.PUBLISHED if rng.random() < 0.95 else Status.DRAFT,
            )
            for n in range(start, min(start + batch, ARTICLES))
        )
        print(f"  {min(start + batch, ARTICLES):,} articles", flush=True)

    from django.contrib.contenttypes.models import ContentType

    article_type = ContentType.objects.get_for_model(Article)
    article_ids = list(Article.objects.values_list("pk", flat=True))
    PeopleLink, EventLink = Article.people.through, Article.events.through
    for start in range(0, len(article_ids), batch):
        chunk = article_ids[start : start + batch]
        PeopleLink.objects.bulk_create(
            PeopleLink(article_id=pk, person_id=person.pk)
            for pk in chunk
            for person in rng.sample(people, rng.randint(1, 4))
        )
        EventLink.objects.bulk_create(
            EventLink(article_id=pk, event_id=event.pk)
            for pk in chunk
            for event in rng.sample(events, rng.randint(0, 2))
        )
        TaggedItem.objects.bulk_create(
            TaggedItem(content_type=article_type, object_id=pk, tag=tag)
            for pk in chunk
            for tag in rng.sample(tags, rng.randint(1, 4))
        )
    print(f"Records written in {time.perf_counter() - started:.0f} s; indexing…", flush=True)
    started = time.perf_counter()
    call_command("rebuild_search_index")
    print(
        f"Indexed {SearchEntry.objects.count():,} entries in {time.perf_counter() - started:.0f} s",
        flush=True,
    )


def measure(runs):
    from django.db import connection
    from django.test import Client

    from archive.models import Article
    from archive.search.index import reindex
    from archive.search.query import search

    client = Client()
    print(
        f"\n{Article.objects.count():,} articles ({Article.objects.published().count():,} "
        f"published), database: {connection.vendor}; {runs} requests per query after 3 warm-ups"
    )
    print(f"{'query':<28}{'results':>9}{'ranked':>8}{'median ms':>11}{'p95 ms':>9}")
    for label, query in QUERIES:
        timings = []
        for run in range(runs + 3):
            started = time.perf_counter()
            response = client.get("/search/", {"q": query})
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, response.status_code
            if run >= 3:
                timings.append(elapsed)
        results = search(query)
        median = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[-1]
        name = f"{label} “{query}”"
        print(f"{name:<28}{results.total:>9,}{results.ranked:>8,}{median:>11.1f}{p95:>9.1f}")

    # The first search after an edit re-reads what facets count (on SQLite); time that too.
    article = Article.objects.published().order_by("pk").first()
    timings = []
    for _ in range(5):
        reindex(Article, [article.pk])
        started = time.perf_counter()
        assert client.get("/search/", {"q": QUERIES[0][1]}).status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    print(
        f"first “{QUERIES[0][1]}” search after an edit: median {statistics.median(timings):.1f} ms"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="Use the data already built.")
    parser.add_argument("--runs", type=int, default=50, help="Timed requests per query.")
    parser.add_argument("--seed", type=int, default=5, help="Random seed for the data.")
    options = parser.parse_args()
    os.environ["DATABASE_URL"] = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE

    import django
    from django.conf import settings

    django.setup()
    # No collectstatic here: serve templates' {% static %} without the manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    if not options.reuse:
        build(random.Random(options.seed))
    print(f"DATABASE_URL={os.environ['DATABASE_URL']} (DEBUG={settings.DEBUG})")
    measure(options.runs)


if __name__ == "__main__":
    main()
