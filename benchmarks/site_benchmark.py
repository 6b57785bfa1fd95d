"""Public pages at 100,000 articles: latency per page kind, and hot pages against a bare view.

Builds (or reuses) a separate database holding an archive with realistic skew
(``benchmarks/skewed_archive.py``: Zipf-distributed people, organisations, places and tags, the
busiest person in about one article in seven, the tag "Iran" on most articles), then serves it
with gunicorn as the README's production section does (2 workers, debug off) and

1. with the page cache off (every page rendered: the honest per-page work), requests many
   DISTINCT addresses of each page kind one at a time and prints p50 / p95 latency per kind;
2. loads a few hot pages with wrk (``apt-get install wrk``; a simple threaded client
   otherwise) with the page cache off and on, beside a bare Django view in the same server.

    .venv/bin/python benchmarks/site_benchmark.py                     # 100,000 articles, SQLite
    .venv/bin/python benchmarks/site_benchmark.py --reuse             # keep the database built
    .venv/bin/python benchmarks/site_benchmark.py --database-url postgres://postgres@127.0.0.1:5432/site_bench
    .venv/bin/python benchmarks/site_benchmark.py --articles 2000 --urls 10 --seconds 5

The database (default /tmp/archive-site-benchmark.sqlite3) is emptied and filled: never point
it at data you want to keep.
"""

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess  # noqa: S404
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATABASE_URL = "sqlite:////tmp/archive-site-benchmark.sqlite3"
STATIC_ROOT = "/tmp/archive-site-benchmark-static"  # noqa: S108
PORT = 8765
HOT_PAGES = [
    ("bare Django view", "/bench/bare/"),
    ("home", "/"),
    ("article", "/articles/{article}/"),
    ("person", "/people/{person}/"),
    ("article list", "/articles/"),
    ("search", "/search/?q=refugees"),
]


def environment(page_cache, database_url):
    return {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "site-benchmark-" + "x" * 40),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "DJANGO_STATIC_ROOT": STATIC_ROOT,
        "DJANGO_SETTINGS_MODULE": "benchmarks.site_settings",
        "ARCHIVE_PAGE_CACHE": "1" if page_cache else "0",
        "PYTHONPATH": str(ROOT),
    }


def setup_django(database_url):
    os.environ.update(environment(page_cache=False, database_url=database_url))
    import django

    django.setup()


def build(articles, search_index):
    from django.core.management import call_command

    from benchmarks import skewed_archive

    skewed_archive.build(articles)
    if search_index:
        started = time.perf_counter()
        call_command("rebuild_search_index", verbosity=0)
        print(f"  search index rebuilt in {time.perf_counter() - started:.0f} s")


def describe():
    """What the database holds, and the busiest records (rank 0 of each Zipf draw)."""
    from django.conf import settings
    from django.db import connection

    from archive.models import Article

    published = Article.objects.published()
    total = published.count()
    busiest = {
        "person": published.filter(people__slug="person-0").count(),
        "organisation": published.filter(organizations__slug="organisation-0").count(),
        "place": published.filter(places__slug="place-0").count(),
        "tag Iran": published.filter(tags__slug="iran").count(),
    }
    shares = ", ".join(f"{name} {count:,} ({count / total:.0%})" for name, count in busiest.items())
    print(f"{connection.vendor}: {total:,} published articles; busiest: {shares}")
    print(f"page size {settings.ARCHIVE_PAGE_SIZE}")


def spread(last, count, rng):
    """Page numbers 1..last: the first, the last and ``count - 2`` others."""
    numbers = {1, last}
    while len(numbers) < min(count, last):
        numbers.add(rng.randint(1, last))
    return sorted(numbers)


def distinct_urls(per_kind, seed=2):  # noqa: PLR0914 (one list of every page kind)
    """{page kind: [distinct addresses]} over the whole archive, busiest records included."""
    from django.conf import settings
    from taggit.models import Tag

    from archive.models import Article, Event, Organization, Person, Place, Quotation

    rng = random.Random(seed)

    def slugs(model, busiest=()):
        every = list(model.objects.published().values_list("slug", flat=True))
        chosen = [slug for slug in busiest if slug in set(every)]
        return chosen + rng.sample(every, min(per_kind - len(chosen), len(every)))

    def pages(path, model, query="", **narrowed):
        count = model.objects.published().filter(**narrowed).distinct().count()
        last = max(1, -(-count // settings.ARCHIVE_PAGE_SIZE))
        return [f"{path}?{query}page={n}" for n in spread(last, per_kind, rng)]

    busy_people = [f"person-{n}" for n in range(5)]
    tags = [
        "iran",
        *rng.sample(
            list(Tag.objects.exclude(slug="iran").values_list("slug", flat=True)), per_kind - 1
        ),
    ]
    years = sorted(
        {d[:4] for d in Event.objects.published().values_list("date", flat=True) if d[:4].isdigit()}
    )
    return {
        "home": ["/"] * min(per_kind, 10),
        "article list": pages("/articles/", Article),
        "articles of busiest person": pages(
            "/articles/", Article, "person=person-0&", people__slug="person-0"
        ),
        "articles tagged Iran": pages("/articles/", Article, "tag=iran&", tags__slug="iran"),
        "people list": pages("/people/", Person),
        "organisation list": pages("/organisations/", Organization),
        "place list": pages("/places/", Place),
        "event list": pages("/events/", Event),
        "quotation list": pages("/quotations/", Quotation),
        "article": [f"/articles/{s}/" for s in slugs(Article)],
        "person": [f"/people/{s}/" for s in slugs(Person, busy_people)],
        "busiest person": [f"/people/{s}/" for s in busy_people],
        "organisation": [f"/organisations/{s}/" for s in slugs(Organization, ["organisation-0"])],
        "place": [f"/places/{s}/" for s in slugs(Place, ["place-0"])],
        "event": [f"/events/{s}/" for s in slugs(Event)],
        "quotation": [f"/quotations/{s}/" for s in slugs(Quotation)],
        "tag": [f"/tags/{s}/" for s in tags],
        "tag Iran": ["/tags/iran/"] * min(per_kind, 5),
        "tag index": ["/tags/", "/tags/?page=2"] * min(per_kind // 2, 5),
        "timeline": ["/timeline/"]
        + [f"/timeline/?year={y}" for y in rng.sample(years, min(per_kind - 1, len(years)))],
        "feed": ["/feeds/articles.atom", "/feeds/articles.rss"]
        + [f"/feeds/tags/{s}.atom" for s in tags[: per_kind // 2]]
        + [f"/feeds/people/{s}.atom" for s in busy_people],
        "sitemap index": ["/sitemap.xml"] * min(per_kind, 5),
        "sitemap file": sitemap_files(rng, per_kind),
    }


def sitemap_files(rng, count):
    """Addresses of sitemap files, deep ones included, as the index lists them."""
    from django.test import Client

    index = Client().get("/sitemap.xml", HTTP_HOST="127.0.0.1").content.decode()
    files = [url.split("127.0.0.1")[-1] for url in re.findall(r"<loc>([^<]+)</loc>", index)]
    return rng.sample(files, min(count, len(files)))


def latencies(urls_by_kind):
    """{kind: (p50 ms, p95 ms, requests, statuses other than 200)} over one request per URL."""
    figures = {}
    for kind, urls in urls_by_kind.items():
        timings, failures = [], []
        for path in urls:
            started = time.perf_counter()
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=300).read()  # noqa: S310
            except urllib.error.HTTPError as error:
                failures.append(f"{error.code} {path}")
            timings.append((time.perf_counter() - started) * 1000)
        p95 = (
            statistics.quantiles(timings, n=20, method="inclusive")[-1]
            if len(timings) > 1
            else timings[0]
        )
        figures[kind] = (statistics.median(timings), p95, len(timings), failures)
        print(
            f"  {kind:<28} p50 {figures[kind][0]:>8.0f} ms  p95 {p95:>8.0f} ms  ({len(timings)})",
            flush=True,
        )
    return figures


def serve(page_cache, database_url):
    env = environment(page_cache, database_url)
    subprocess.run(  # noqa: S603 (production serves collected, hashed static files)
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(  # noqa: S603
        [
            gunicorn,
            "archive.wsgi",
            "--workers",
            "2",
            "--timeout",
            "300",
            "--bind",
            f"127.0.0.1:{PORT}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/bench/bare/", timeout=1)  # noqa: S310
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def with_wrk(url, seconds):
    output = subprocess.run(  # noqa: S603
        ["wrk", "-t2", "-c8", f"-d{seconds}s", url],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(re.search(r"Requests/sec:\s+([0-9.]+)", output).group(1))


def with_threads(url, seconds):
    count, stop = [0], time.monotonic() + seconds
    lock = threading.Lock()

    def worker():
        while time.monotonic() < stop:
            urllib.request.urlopen(url, timeout=30).read()  # noqa: S310
            with lock:
                count[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return count[0] / seconds


def hot(seconds, records):
    load = with_wrk if shutil.which("wrk") else with_threads
    figures = {}
    for label, path in HOT_PAGES:
        url = f"http://127.0.0.1:{PORT}{path.format(**records)}"
        urllib.request.urlopen(url, timeout=300).read()  # noqa: S310 (warm both workers' caches)
        urllib.request.urlopen(url, timeout=300).read()  # noqa: S310
        figures[label] = load(url, seconds)
    return figures


def print_latencies(figures):
    print(f"\n{'page kind (cache off)':<28} {'p50 ms':>8} {'p95 ms':>8} {'URLs':>5}  not 200")
    for kind, (p50, p95, requests, failures) in figures.items():
        print(f"{kind:<28} {p50:>8.0f} {p95:>8.0f} {requests:>5}  {', '.join(failures[:3])}")


def print_hot(results):
    bare = {cache: figures["bare Django view"] for cache, figures in results.items()}
    columns = ("no cache req/s", "% of bare", "cached req/s", "% of bare")
    print(f"\n{'hot page':<18} {columns[0]:>15} {columns[1]:>10} {columns[2]:>13} {columns[3]:>10}")
    for label, _ in HOT_PAGES:
        off, on = results[False][label], results[True][label]
        print(
            f"{label:<18} {off:>15,.0f} {100 * off / bare[False]:>9.1f}% "
            f"{on:>13,.0f} {100 * on / bare[True]:>9.1f}%"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DATABASE_URL)
    parser.add_argument("--reuse", action="store_true", help="use the database already built")
    parser.add_argument("--urls", type=int, default=30, help="distinct addresses per page kind")
    parser.add_argument("--kinds", help="only these page kinds (comma-separated)")
    parser.add_argument("--seconds", type=int, default=5, help="wrk's time per hot page")
    parser.add_argument("--no-hot", action="store_true", help="latencies only")
    parser.add_argument("--no-search-index", action="store_true", help="build without it")
    options = parser.parse_args()
    setup_django(options.database_url)
    if options.reuse:
        from django.core.management import call_command

        from benchmarks.skewed_archive import gather_statistics

        call_command("migrate", verbosity=0)  # this code's migrations and triggers
        gather_statistics()
    else:
        build(options.articles, search_index=not options.no_search_index)
    describe()
    urls = distinct_urls(options.urls)
    if options.kinds:
        urls = {kind: urls[kind] for kind in options.kinds.split(",")}
    from django.db import connections

    connections.close_all()
    server = serve(False, options.database_url)
    try:
        print("latency over distinct addresses, page cache off:", flush=True)
        figures = latencies(urls)
        results = (
            {False: hot(options.seconds, {"article": "article-1", "person": "person-0"})}
            if not options.no_hot
            else {}
        )
    finally:
        server.terminate()
        server.wait()
    if not options.no_hot:
        server = serve(True, options.database_url)
        try:
            results[True] = hot(options.seconds, {"article": "article-1", "person": "person-0"})
        finally:
            server.terminate()
            server.wait()
    print_latencies(figures)
    if results:
        print_hot(results)


if __name__ == "__main__":
    main()
