"""How fast is /search/ at 100,000 articles on a realistic vocabulary? p50/p95 per query class.

Builds (or reuses) a separate database of synthetic records whose text follows a Zipf
distribution over a realistic vocabulary: very common words ("the", "iran", "regime") in nearly
every article, a long tail of rare ones, tag names that are also words of the text ("Iran" on
most articles and in most bodies), and people, organisations and places linked with the same
skew (the busiest person in about one article in seven). Then it requests ``/search/`` through
Django's test client (URL routing, middleware, view and template included) for many distinct
queries of each class: common words, mid-frequency and rare words, tag names, two and three
words, and the same with the facet filters the search page links to (kind, tag, section, year),
and prints the median and 95th percentile of each class.

    .venv/bin/python benchmarks/search_benchmark.py                 # SQLite, /tmp file
    .venv/bin/python benchmarks/search_benchmark.py --reuse         # skip building the data
    .venv/bin/python benchmarks/search_benchmark.py \\
        --database-url postgres://postgres@127.0.0.1:5432/search_bench   # PostgreSQL

The database (``--database-url``, else DATABASE_URL, else
``sqlite:////tmp/archive-search-benchmark.sqlite3``) is emptied and filled: never point it at
data you want to keep.
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
# Every request searches: the page cache would answer repeated queries without searching.
os.environ["ARCHIVE_PAGE_CACHE"] = "0"
os.environ.setdefault("DJANGO_STATIC_ROOT", "/tmp/archive-search-benchmark-static")  # noqa: S108
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
DEFAULT_DATABASE = "sqlite:////tmp/archive-search-benchmark.sqlite3"  # noqa: S108

ARTICLES = 100_000
PEOPLE = 2_000
ORGANIZATIONS = 300
PLACES = 300
EVENTS = 1_000
SECTIONS = ["Iranian Opposition", "Human Rights", "Diplomacy", "Iraq", "Europe", "Congress"]
# The head of the vocabulary, most frequent first: function words and the archive's own words.
# Tag names are words of the text too (see TAGS), at the ranks listed there.
COMMON_WORDS = """
the of and to in a is that for on iran was with as by regime people at from his
it be are have has said this an not were which government their they its or but
resistance who had been opposition also more one would president human rights
international members against will all camp about new after other political
minister prisoners freedom women there year today over two than years
state report united security council foreign iraq sanctions democratic
nuclear first when official country supporters between under support called
europe parliament leader residents officials movement information against
""".split()  # noqa: SIM905
# Tag names (as typed into the admin) and the vocabulary rank each one's words sit at.
TAGS = [
    ("Iran", 5),
    ("Human rights", 50),
    ("Camp Ashraf", 60),
    ("Camp Liberty", 90),
    ("Executions", 120),
    ("Women", 140),
    ("Nuclear programme", 160),
    ("Sanctions", 180),
    ("Elections", 220),
    ("Protests", 260),
    ("Albania", 900),
    ("Refugees", 300),
    ("Torture", 400),
    ("Political prisoners", 350),
    ("Press freedom", 700),
    ("Death penalty", 1_200),
    ("Terrorist designation", 2_500),
    ("Hunger strike", 4_000),
    ("Diaspora", 8_000),
    ("Paris rally", 12_000),
]
VOCABULARY_SIZE = 30_000
SYLLABLES = [
    *("ka", "ri", "to", "mel", "an", "sur", "vo", "de", "li", "pra"),
    *("gan", "tel", "os", "un", "ber", "ash", "mir", "zo", "qua", "ne"),
    *("sha", "far", "hor", "es", "ta", "bad", "ol", "ven", "ud", "rin"),
]


def pseudo_words(rng, count, avoid):
    words = set()
    while len(words) < count:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in avoid:
            words.add(word)
    return sorted(words)


def realistic_vocabulary(rng):
    """Every word, most frequent first: the common words, the tag names' words at their ranks,
    then a long tail of made-up words."""
    head = list(dict.fromkeys(COMMON_WORDS))
    tag_words = {word.lower() for name, _ in TAGS for word in name.split()}
    head = [word for word in head if word not in tag_words]
    tail = pseudo_words(rng, VOCABULARY_SIZE - len(head) - len(tag_words), set(head) | tag_words)
    vocabulary = head + tail
    for name, rank in sorted(TAGS, key=lambda tag: tag[1]):
        for offset, word in enumerate(name.lower().split()):
            if word not in vocabulary:
                vocabulary.insert(min(rank + offset, len(vocabulary)), word)
    return vocabulary


def zipf_sampler(rng, items, exponent=1.0):
    cumulative, total = [], 0.0
    for rank in range(len(items)):
        total += 1 / (rank + 1) ** exponent
        cumulative.append(total)

    def sample(k):
        return rng.choices(items, cum_weights=cumulative, k=k)

    return sample


def distinct(sample, k):
    """Up to ``k`` different items drawn from ``sample`` (a Zipf sampler)."""
    return list(dict.fromkeys(sample(k)))


def build(seed, articles):
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from taggit.models import Tag, TaggedItem

    from archive.models import Article, Event, Organization, Person, Place, Status
    from archive.search.models import SearchEntry

    print("Migrating and emptying the benchmark database…", flush=True)
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    rng = random.Random(seed)
    vocabulary = realistic_vocabulary(random.Random(seed))
    sample = zipf_sampler(rng, vocabulary)
    tail = vocabulary[len(COMMON_WORDS) :]
    started = time.perf_counter()

    def text(low, high):
        return " ".join(sample(rng.randint(low, high)))

    def name():
        return " ".join(rng.choice(tail).title() for _ in range(2))

    people = Person.objects.bulk_create(
        Person(
            name=(full := name()),
            slug=f"person-{n}",
            sort_name=", ".join(reversed(full.split())),
            aliases=full.split()[-1],
            description=text(20, 60),
            status=Status.PUBLISHED,
        )
        for n in range(PEOPLE)
    )
    organizations = Organization.objects.bulk_create(
        Organization(
            name=f"{name()} {rng.choice(['Council', 'Committee', 'Foundation', 'Party'])}",
            slug=f"organisation-{n}",
            description=text(20, 60),
            status=Status.PUBLISHED,
        )
        for n in range(ORGANIZATIONS)
    )
    places = Place.objects.bulk_create(
        Place(name=name(), slug=f"place-{n}", description=text(10, 40), status=Status.PUBLISHED)
        for n in range(PLACES)
    )
    events = Event.objects.bulk_create(
        Event(
            title=text(4, 8).capitalize(),
            slug=f"event-{n}",
            date=f"{rng.randint(2003, 2020)}-{rng.randint(1, 12):02d}",
            description=text(40, 80),
            status=Status.PUBLISHED,
        )
        for n in range(EVENTS)
    )
    tags = Tag.objects.bulk_create(
        Tag(name=name, slug=name.lower().replace(" ", "-")) for name, _ in TAGS
    )
    # Links with the same skew as the words: the first person in one article in seven or so.
    people_sample = zipf_sampler(rng, people, 1.1)
    organization_sample = zipf_sampler(rng, organizations, 1.1)
    place_sample = zipf_sampler(rng, places, 1.1)
    event_sample = zipf_sampler(rng, events)
    tag_sample = zipf_sampler(rng, tags, 1.3)

    batch = 5_000
    article_type = ContentType.objects.get_for_model(Article)
    through = {
        "people": (Article.people.through, "person_id", people_sample, 4),
        "organizations": (Article.organizations.through, "organization_id", organization_sample, 2),
        "places": (Article.places.through, "place_id", place_sample, 2),
        "events": (Article.events.through, "event_id", event_sample, 2),
    }
    for start in range(0, articles, batch):
        created = Article.objects.bulk_create(
            Article(
                title=text(5, 10).capitalize(),
                slug=f"article-{n}",
                summary=text(15, 30),
                body=text(150, 400).capitalize() + ".",
                section=rng.choice(SECTIONS),
                publication_date=f"{rng.randint(2003, 2020)}-{rng.randint(1, 12):02d}-"
                f"{rng.randint(1, 28):02d}",
                status=Status.PUBLISHED if rng.random() < 0.95 else Status.DRAFT,
            )
            for n in range(start, min(start + batch, articles))
        )
        for model, column, pick, most in through.values():
            model.objects.bulk_create(
                model(article_id=article.pk, **{column: linked.pk})
                for article in created
                for linked in distinct(pick, rng.randint(0, most))
            )
        TaggedItem.objects.bulk_create(
            TaggedItem(content_type=article_type, object_id=article.pk, tag=tag)
            for article in created
            for tag in distinct(tag_sample, rng.randint(1, 4))
        )
        print(f"  {min(start + batch, articles):,} articles", flush=True)
    print(f"Records written in {time.perf_counter() - started:.0f} s; indexing…", flush=True)
    started = time.perf_counter()
    call_command("rebuild_search_index")
    print(
        f"Indexed {SearchEntry.objects.count():,} entries in {time.perf_counter() - started:.0f} s",
        flush=True,
    )


def query_classes(seed):
    """{class: [query parameters, ...]}: distinct queries of each class, as the page sends them."""
    vocabulary = realistic_vocabulary(random.Random(seed))  # the words the data was built from
    rng = random.Random(seed + 1)
    common, middle, rare = vocabulary[:40], vocabulary[200:2_000], vocabulary[8_000:25_000]
    head = vocabulary[:400]
    tag_names = [name for name, _ in TAGS]
    tag_slugs = [name.lower().replace(" ", "-") for name in tag_names[:8]]

    def pick(words, k):
        return [rng.choice(words) for _ in range(k)]

    def phrase(k):
        return " ".join(rng.sample(head, k))

    def filtered(query):
        name, value = rng.choice(
            [
                ("kind", "article"),
                ("tag", rng.choice(tag_slugs)),
                ("section", rng.choice(SECTIONS)),
                ("year", str(rng.randint(2003, 2020))),
            ]
        )
        return {"q": query, name: value}

    return {
        "common word": [{"q": word} for word in common[:30]],
        "mid-frequency word": [{"q": word} for word in pick(middle, 30)],
        "rare word": [{"q": word} for word in pick(rare, 30)],
        "tag name": [{"q": name.lower()} for name in tag_names],
        "two words": [{"q": phrase(2)} for _ in range(30)],
        "three words": [{"q": phrase(3)} for _ in range(30)],
        "common word, filtered": [filtered(word) for word in common[:30]],
        "two words, filtered": [filtered(phrase(2)) for _ in range(30)],
        "common word, page 2": [{"q": word, "page": "2"} for word in common[:30]],
    }


def percentile(timings, share):
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(runs, seed):
    from django.db import connection
    from django.test import Client

    from archive.models import Article
    from archive.search.index import reindex
    from archive.search.query import search

    client = Client()
    print(
        f"\n{Article.objects.count():,} articles ({Article.objects.published().count():,} "
        f"published), database: {connection.vendor}; each class: {runs} rounds over its "
        "distinct queries after one warm-up round"
    )
    header = f"{'query class':<24}{'queries':>8}{'results (median)':>18}{'p50 ms':>9}{'p95 ms':>9}"
    print(header)
    print("-" * len(header))
    overall = []
    for label, queries in query_classes(seed).items():
        timings = []
        for run in range(runs + 1):
            for params in queries:
                started = time.perf_counter()
                response = client.get("/search/", params)
                elapsed = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, (params, response.status_code)
                if run:
                    timings.append(elapsed)
        overall += timings
        totals = [
            search(
                p["q"],
                kind=p.get("kind"),
                tag=p.get("tag"),
                section=p.get("section"),
                year=p.get("year"),
            ).total
            for p in queries
        ]
        print(
            f"{label:<24}{len(queries):>8}{statistics.median(totals):>18,.0f}"
            f"{percentile(timings, 0.5):>9.1f}{percentile(timings, 0.95):>9.1f}"
        )
    print(
        f"{'all':<24}{'':>8}{'':>18}{percentile(overall, 0.5):>9.1f}"
        f"{percentile(overall, 0.95):>9.1f}"
    )

    # The first search after an edit re-reads what facets count; time that too.
    article = Article.objects.published().order_by("pk").first()
    timings = []
    for _ in range(5):
        reindex(Article, [article.pk])
        started = time.perf_counter()
        assert client.get("/search/", {"q": "iran"}).status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    print(f"first “iran” search after an edit: median {statistics.median(timings):.1f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="Use the data already built.")
    parser.add_argument("--database-url", help="Where to build and search (emptied first!).")
    parser.add_argument("--articles", type=int, default=ARTICLES, help="How many articles.")
    parser.add_argument("--runs", type=int, default=3, help="Timed rounds over each class.")
    parser.add_argument("--seed", type=int, default=5, help="Random seed for the data.")
    options = parser.parse_args()
    os.environ["DATABASE_URL"] = (
        options.database_url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE
    )

    import django
    from django.conf import settings

    django.setup()
    # No collectstatic here: serve templates' {% static %} without the manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    if not options.reuse:
        build(options.seed, options.articles)
    print(f"DATABASE_URL={os.environ['DATABASE_URL']} (DEBUG={settings.DEBUG})")
    measure(options.runs, options.seed)


if __name__ == "__main__":
    main()
