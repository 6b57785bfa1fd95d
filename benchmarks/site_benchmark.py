"""Requests per second of public pages, hot, next to a bare Django view in the same server.

Builds (or reuses) a separate SQLite database: the seed archive plus generated articles that
mention the seed's people and carry tags, then serves it with gunicorn as the README's
production section does (2 workers, debug off) twice, with the page cache on and off, and
measures each page with wrk (``apt-get install wrk``; a simple threaded client otherwise).

    .venv/bin/python benchmarks/site_benchmark.py                # 2,000 articles
    .venv/bin/python benchmarks/site_benchmark.py --articles 20000 --seconds 10
    .venv/bin/python benchmarks/site_benchmark.py --reuse        # keep the database built

The database (default /tmp/archive-site-benchmark.sqlite3) is emptied and filled: never point
it at data you want to keep.
"""

import argparse
import os
import random
import re
import shutil
import subprocess  # noqa: S404
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATABASE = "/tmp/archive-site-benchmark.sqlite3"  # noqa: S108
STATIC_ROOT = "/tmp/archive-site-benchmark-static"  # noqa: S108
PORT = 8765
PAGES = [
    ("bare Django view", "/bench/bare/"),
    ("home", "/"),
    ("article", "/articles/{article}/"),
    ("person", "/people/john-mccain/"),
    ("article list", "/articles/"),
    ("search", "/search/?q=refugees"),
]


def environment(page_cache):
    return {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "site-benchmark-" + "x" * 40),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{DATABASE}",
        "DJANGO_STATIC_ROOT": STATIC_ROOT,
        "DJANGO_SETTINGS_MODULE": "benchmarks.site_settings",
        "ARCHIVE_PAGE_CACHE": "1" if page_cache else "0",
        "PYTHONPATH": str(ROOT),
    }


def build(articles):
    Path(DATABASE).unlink(missing_ok=True)
    os.environ.update(environment(page_cache=False))
    import django

    django.setup()
    from django.core.management import call_command

    from archive.models import Article, Person, Status

    call_command("migrate", verbosity=0)
    call_command("load_seed", verbosity=0)
    rng = random.Random(1)
    people = list(Person.objects.published())
    created = Article.objects.bulk_create(
        Article(
            title=f"Generated article {n}",
            slug=f"generated-article-{n}",
            body=f"Refugees and residents of the camp, report {n}. " * 40,
            publication_date=f"20{rng.randint(10, 24)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            status=Status.PUBLISHED,
        )
        for n in range(articles)
    )
    through = Article.people.through
    through.objects.bulk_create(
        through(article_id=article.pk, person_id=person.pk)
        for article in created
        for person in rng.sample(people, 3)
    )
    for article in created[:: max(1, articles // 500)]:
        article.tags.add("generated", rng.choice(["iran", "iraq", "europe"]))
    call_command("rebuild_search_index", verbosity=0)
    print(f"built {DATABASE}: seed + {articles:,} articles")


def serve(page_cache):
    subprocess.run(  # noqa: S603 (production serves collected, hashed static files)
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=environment(page_cache),
        check=True,
    )
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(  # noqa: S603
        [gunicorn, "archive.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{PORT}"],
        cwd=ROOT,
        env=environment(page_cache),
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


def measure(seconds, article):
    load = with_wrk if shutil.which("wrk") else with_threads
    figures = {}
    for label, path in PAGES:
        url = f"http://127.0.0.1:{PORT}{path.format(article=article)}"
        urllib.request.urlopen(url, timeout=60).read()  # noqa: S310 (warm both workers' caches)
        urllib.request.urlopen(url, timeout=60).read()  # noqa: S310
        figures[label] = load(url, seconds)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--reuse", action="store_true")
    options = parser.parse_args()
    if not (options.reuse and Path(DATABASE).exists()):
        build(options.articles)
    article = "generated-article-1"
    results = {}
    for page_cache in (False, True):
        server = serve(page_cache)
        try:
            results[page_cache] = measure(options.seconds, article)
        finally:
            server.terminate()
            server.wait()
    bare = {cache: figures["bare Django view"] for cache, figures in results.items()}
    columns = ("no cache req/s", "% of bare", "cached req/s", "% of bare")
    print(f"\n{'page':<18} {columns[0]:>15} {columns[1]:>10} {columns[2]:>13} {columns[3]:>10}")
    for label, _ in PAGES:
        off, on = results[False][label], results[True][label]
        print(
            f"{label:<18} {off:>15,.0f} {100 * off / bare[False]:>9.1f}% "
            f"{on:>13,.0f} {100 * on / bare[True]:>9.1f}%"
        )


if __name__ == "__main__":
    main()
