"""A large archive with realistic skew, written fast with ``bulk_create``, for the benchmarks.

Names follow a Zipf law: a few people, organisations, places and tags appear in a large share
of the articles (the busiest person in about one article in seven, the tag "Iran" on most),
most appear in a handful. About 5 % of every kind are drafts. ``build`` empties the database
named by the settings first: never point it at data you want to keep.
"""

import random
import time

SECTIONS = ["Iranian Opposition", "Human Rights", "Diplomacy", "Iraq", "Europe", "Congress"]
SYLLABLES = [
    *("ka", "ri", "to", "mel", "an", "sur", "vo", "de", "li", "pra"),
    *("gan", "tel", "os", "un", "ber", "ash", "mir", "zo", "qua", "ne"),
]
COMMON_WORDS = "the of and to in a is that for on with as was by at from refugees camp".split()  # noqa: SIM905
BATCH = 5_000
DRAFT_SHARE = 0.05


def sizes(articles):
    """How many records of each kind go with ``articles`` articles."""
    return {
        "people": max(50, articles // 20),
        "organisations": max(20, articles // 100),
        "places": max(10, articles // 200),
        "events": max(20, articles // 50),
        "quotations": max(20, articles // 10),
        "tags": max(20, min(400, articles // 250)),
    }


def pseudo_words(rng, count):
    words = set()
    while len(words) < count:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


class Zipf:
    """Draws from ``items`` with weight 1 / (rank + offset): the larger the offset, the less
    the first few dominate."""

    def __init__(self, rng, items, offset=1.0):
        self.rng, self.items, total, self.cumulative = rng, items, 0.0, []
        for rank in range(len(items)):
            total += 1 / (rank + offset)
            self.cumulative.append(total)

    def __call__(self, count):
        return self.rng.choices(self.items, cum_weights=self.cumulative, k=count)

    def distinct(self, count):
        return list(dict.fromkeys(self(count)))


def status(rng):
    from archive.models import Status

    return Status.DRAFT if rng.random() < DRAFT_SHARE else Status.PUBLISHED


def partial_date(rng, precision=True):
    year = rng.randint(1990, 2025)
    if not precision or rng.random() < 0.1:
        return str(year)
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def bulk(model, objects):
    written = []
    objects = list(objects)
    for start in range(0, len(objects), BATCH):
        written += model.objects.bulk_create(objects[start : start + BATCH])
    return written


def build(articles, seed=1, log=print):  # noqa: PLR0914 (one recipe, read top to bottom)
    """Empty the database and fill it with ``articles`` articles and their records."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from taggit.models import Tag, TaggedItem

    from archive.models import (
        Affiliation,
        Article,
        Event,
        Organization,
        Person,
        Place,
        Quotation,
    )

    rng = random.Random(seed)
    count = sizes(articles)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    vocabulary = pseudo_words(rng, 20_000)
    words = Zipf(rng, vocabulary)

    def name(n):
        return " ".join(word.title() for word in rng.sample(vocabulary, n))

    people = bulk(
        Person,
        (
            Person(
                name=(full := name(2)),
                slug=f"person-{n}",
                sort_name=Person.default_sort_name(full),
                description=" ".join(words(30)),
                status=status(rng) if n else "published",
            )
            for n in range(count["people"])
        ),
    )
    organisations = bulk(
        Organization,
        (
            Organization(
                name=name(3),
                slug=f"organisation-{n}",
                description=" ".join(words(30)),
                status=status(rng) if n else "published",
            )
            for n in range(count["organisations"])
        ),
    )
    places = bulk(
        Place,
        (
            Place(name=name(1), slug=f"place-{n}", status=status(rng) if n else "published")
            for n in range(count["places"])
        ),
    )
    # The busiest person in about one article in seven: 2.5 names an article, the first
    # holding 1/(2 * H) of the draws.
    pick_person = Zipf(rng, people, offset=2.0)
    pick_organisation = Zipf(rng, organisations, offset=1.5)
    pick_place = Zipf(rng, places, offset=1.5)
    events = bulk(
        Event,
        (
            Event(
                title=" ".join(words(6)).capitalize(),
                slug=f"event-{n}",
                date=partial_date(rng),
                place=pick_place(1)[0] if rng.random() < 0.7 else None,
                description=" ".join(words(40)),
                status=status(rng),
            )
            for n in range(count["events"])
        ),
    )
    pick_event = Zipf(rng, events, offset=5.0)
    bulk(
        Affiliation,
        (
            Affiliation(person=person, organization=organisation)
            for person in people
            for organisation in dict.fromkeys(pick_organisation(rng.randint(0, 2)))
        ),
    )
    # "Iran" on most articles; the other tags by rank.
    tag_names = [
        "Iran",
        *(f"{word.title()} {n}" for n, word in enumerate(vocabulary[: count["tags"] - 1])),
    ]
    tags = Tag.objects.bulk_create(
        Tag(name=tag, slug=tag.lower().replace(" ", "-")) for tag in tag_names
    )
    pick_tag = Zipf(rng, tags[1:], offset=1.5)
    log(
        f"  {len(people):,} people, {len(organisations):,} organisations, {len(places):,} places,"
        f" {len(events):,} events, {len(tags):,} tags"
    )

    def body():
        mentioned = rng.sample(vocabulary[:2000], 3) + rng.sample(COMMON_WORDS, 3)
        text = words(rng.randint(150, 350)) + mentioned
        rng.shuffle(text)
        paragraphs = [" ".join(text[start : start + 60]) for start in range(0, len(text), 60)]
        return "\n\n".join(paragraph.capitalize() + "." for paragraph in paragraphs)

    written = bulk(
        Article,
        (
            Article(
                title=" ".join(words(8)).capitalize(),
                slug=f"article-{n}",
                summary=" ".join(words(25)),
                body=body(),
                section=rng.choice(SECTIONS),
                publication_date=partial_date(rng) if rng.random() < 0.97 else "",
                status=status(rng),
            )
            for n in range(articles)
        ),
    )
    log(f"  {len(written):,} articles")
    links = {
        "people": (Article.people.through, "person_id", lambda: pick_person(rng.randint(1, 4))),
        "organizations": (
            Article.organizations.through,
            "organization_id",
            lambda: pick_organisation(rng.randint(0, 3)),
        ),
        "places": (Article.places.through, "place_id", lambda: pick_place(rng.randint(0, 2))),
        "events": (
            Article.events.through,
            "event_id",
            lambda: pick_event(1) if rng.random() < 0.4 else [],
        ),
    }
    for through, column, pick in links.values():
        bulk(
            through,
            (
                through(article_id=article.pk, **{column: record.pk})
                for article in written
                for record in dict.fromkeys(pick())
            ),
        )
    quotations = bulk(
        Quotation,
        (
            Quotation(
                text=" ".join(words(rng.randint(10, 40))).capitalize() + ".",
                slug=f"quotation-{n}",
                date=partial_date(rng),
                article=rng.choice(written),
                status=status(rng),
            )
            for n in range(count["quotations"])
        ),
    )
    QuotationPeople = Quotation.people.through
    bulk(
        QuotationPeople,
        (QuotationPeople(quotation_id=q.pk, person_id=pick_person(1)[0].pk) for q in quotations),
    )
    EventPeople = Event.people.through
    bulk(
        EventPeople,
        (
            EventPeople(event_id=event.pk, person_id=person.pk)
            for event in events
            for person in dict.fromkeys(pick_person(rng.randint(0, 3)))
        ),
    )

    def tagged(model, records, iran_share, most):
        content_type = ContentType.objects.get_for_model(model)
        for record in records:
            chosen = dict.fromkeys(pick_tag(rng.randint(0, most)))
            if rng.random() < iran_share:
                chosen[tags[0]] = None
            for tag in chosen:
                yield TaggedItem(content_type=content_type, object_id=record.pk, tag=tag)

    bulk(TaggedItem, tagged(Article, written, 0.6, 4))
    for model, records in [
        (Person, people),
        (Organization, organisations),
        (Place, places),
        (Event, events),
        (Quotation, quotations),
    ]:
        bulk(TaggedItem, tagged(model, records, 0.3, 2))
    gather_statistics()
    log(f"  links and tags written, statistics gathered; {time.perf_counter() - started:.0f} s")


def gather_statistics():
    """What the planner of a database in service has: SQLite's ANALYZE (run after every
    import), PostgreSQL's autovacuum (here at once, not within the next minutes)."""
    from django.db import connection

    from archive.db_statistics import refresh

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        refresh()
