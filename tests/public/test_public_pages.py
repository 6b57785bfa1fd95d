"""What the public pages show for the seed archive, and how they link to each other both ways."""

import pytest

from archive.models import Article, Event, Organization, Person, Place, Quotation

from ..public_helpers import ARTICLE_URL, hrefs, parse


def text_of(response):
    return " ".join(response.content.decode().split())


# Home


def test_home_shows_counts_latest_articles_recent_events_and_tags(client, seeded):
    response = client.get("/")
    assert response.status_code == 200
    page = text_of(response)
    for count, label in [(1, "articles"), (13, "people"), (16, "organisations"), (7, "places")]:
        assert f'<span class="number">{count}</span> {label}' in page
    assert '<span class="number">13</span> events' in page
    assert '<span class="number">13</span> quotations' in page
    links = hrefs(response)
    assert ARTICLE_URL in links
    # Recent events are the latest dated ones, newest first.
    assert "/events/2016-09-12-kerry-statement/" in links
    assert "/events/mois-statement-august-2/" not in links
    assert page.index("John Kerry’s statement") < page.index("The remaining residents depart")
    assert "/tags/refugees/" in links


# Article


def test_article_page_shows_unknowns_honestly(client, seeded):
    page = text_of(client.get(ARTICLE_URL))
    assert "<dt>Author</dt><dd>Unknown</dd>" in page
    assert "<dt>Publication</dt><dd>Not recorded</dd>" in page
    assert "<dt>Published</dt><dd>Date unknown</dd>" in page
    assert "<dt>Original address</dt><dd>Not recorded</dd>" in page


def test_article_page_links_every_record_it_mentions(client, seed_article):
    links = hrefs(client.get(ARTICLE_URL))
    for relation in ["people", "organizations", "places", "events"]:
        records = getattr(seed_article, relation).all()
        assert records.count() > 0
        for record in records:
            assert record.get_absolute_url() in links, record
    for quotation in seed_article.quotations.all():
        assert quotation.get_absolute_url() in links
    assert "/articles/?section=Iranian%20Opposition" in links


def test_article_page_has_a_cite_block_with_permalink_and_capture_hash(client, seed_article):
    page = text_of(client.get(ARTICLE_URL))
    cite = page[page.index('<section class="cite"') :]
    assert "Cite this article" in cite
    assert f"http://testserver{ARTICLE_URL}" in cite
    assert seed_article.capture_sha256 in cite
    assert "the stored capture still matches it" in cite
    assert "Publication not recorded" in cite
    assert "Added to this archive" in cite


def test_capture_that_no_longer_matches_its_hash_is_flagged(client, seed_article):
    Article.objects.filter(pk=seed_article.pk).update(capture_text="tampered")
    page = text_of(client.get(ARTICLE_URL))
    assert "the stored capture no longer matches it" in page


def test_article_body_skips_the_title_paragraph_and_renders_bullets_as_a_list(client, seeded):
    page = client.get(ARTICLE_URL).content.decode()
    body = page[page.index('<h2 id="text-heading">') : page.index('<section class="links"')]
    assert "A Shift in U.S. Sympathies" not in body
    assert body.count("<ul>") == 1
    assert body.count("<li>") == 3
    assert "<li>First, during 2004," in body
    assert "•" not in body


# People, organisations, places, events, quotations


def test_john_mccain_links_to_the_article_the_event_his_quotations_and_affiliation(client, seeded):
    response = client.get("/people/john-mccain/")
    links = hrefs(response)
    assert ARTICLE_URL in links
    assert "/events/2016-07-14-s-con-res-42-approved/" in links
    assert "/events/mccain-press-release-september-9/" in links
    assert "/quotations/mccain-imperative-residents-recognized/" in links
    assert "/quotations/mccain-safe-resettlement-vital-step/" in links
    assert "/organisations/senate-armed-services-committee/" in links
    page = text_of(response)
    assert "Senator (R-AZ)" in page
    assert "Senator McCain" in page  # an alias


def test_every_link_from_the_article_is_answered_by_a_link_back(client, seed_article):
    for model in [Person, Organization, Place, Event]:
        for record in model.objects.filter(articles=seed_article):
            assert ARTICLE_URL in hrefs(client.get(record.get_absolute_url())), record
    for quotation in Quotation.objects.filter(article=seed_article):
        assert ARTICLE_URL in hrefs(client.get(quotation.get_absolute_url())), quotation


def test_events_link_their_participants_and_place_and_they_link_back(client, seeded):
    for event in Event.objects.prefetch_related("people", "organizations"):
        links = hrefs(client.get(event.get_absolute_url()))
        participants = [*event.people.all(), *event.organizations.all()]
        if event.place:
            participants.append(event.place)
        for record in participants:
            assert record.get_absolute_url() in links, (event, record)
            assert event.get_absolute_url() in hrefs(client.get(record.get_absolute_url()))


def test_organisation_page_lists_its_people_with_roles_and_its_quotations(client, seeded):
    response = client.get("/organisations/house-foreign-affairs-committee/")
    links = hrefs(response)
    assert {"/people/ed-royce/", "/people/eliot-engel/"} <= links
    assert "Ranking member" in text_of(response)
    links = hrefs(client.get("/organisations/state-department/"))
    assert "/quotations/state-department-people-in-need-of-international-protection/" in links


def test_place_page_lists_events_there(client, seeded):
    links = hrefs(client.get("/places/camp-ashraf/"))
    assert {"/events/2009-attack-on-camp-ashraf/", "/events/2011-attack-on-camp-ashraf/"} <= links


def test_quotation_page_has_words_speakers_date_medium_source_and_cite_block(client, seeded):
    response = client.get("/quotations/mccain-imperative-residents-recognized/")
    page = text_of(response)
    assert "/people/john-mccain/" in hrefs(response)
    assert ARTICLE_URL in hrefs(response)
    assert "<dt>Date</dt><dd>9 September (year not given)</dd>" in page
    assert "<dt>Medium</dt><dd>Press release</dd>" in page
    cite = page[page.index("Cite this quotation") :]
    assert "John McCain, press release, 9 September (year not given)" in cite
    assert "Quoted in “A Shift in U.S. Sympathies" in cite


def test_quotation_with_two_speakers_and_unknown_date(client, seeded):
    response = client.get("/quotations/tanter-martin-states-obligated/")
    page = text_of(response)
    assert {"/people/tanter/", "/people/martin/"} <= hrefs(response)
    assert "<dt>Date</dt><dd>Date unknown</dd>" in page
    assert "Martin and Tanter, article or book, Date unknown" in page


# Lists


@pytest.mark.parametrize(
    ("url", "count"),
    [
        ("/articles/", 1),
        ("/people/", 13),
        ("/organisations/", 16),
        ("/places/", 7),
        ("/events/", 13),
        ("/quotations/", 13),
    ],
)
def test_each_list_links_every_published_record(client, seeded, url, count):
    response = client.get(url)
    assert response.status_code == 200
    details = {href for href in hrefs(response) if href.startswith(url) and href != url}
    assert len({href for href in details if "?" not in href}) == count


def test_lists_narrow_by_tag(client, seeded):
    response = client.get("/organisations/?tag=iranian-opposition")
    page = parse(response)
    assert ("Organisations tagged “Iranian opposition”") in [text for _, text in page.headings]
    links = {href for href in hrefs(response) if href.startswith("/organisations/")}
    assert links == {"/organisations/", "/organisations/mujahedeen-e-khalq/"}
    assert client.get("/people/?tag=iranian-opposition").status_code == 200
    assert client.get("/people/?tag=no-such-tag").status_code == 404


def test_articles_narrow_by_section_and_year(client, seeded):
    Article.objects.create(
        title="Dated", status="published", publication_date="2016-09", section="News"
    )
    response = client.get("/articles/?year=2016")
    assert "/articles/dated/" in hrefs(response)
    assert ARTICLE_URL not in hrefs(response)
    assert "?year=2016" in " ".join(hrefs(client.get("/articles/")))
    response = client.get("/articles/?section=Iranian+Opposition")
    assert ARTICLE_URL in hrefs(response)
    assert "/articles/dated/" not in hrefs(response)
    assert client.get("/articles/?section=Nothing").status_code == 200
    assert client.get("/articles/?year=20x6").status_code == 404


# Timeline


def test_timeline_groups_by_year_with_honest_partial_dates(client, seeded):
    response = client.get("/timeline/")
    page = text_of(response)
    groups = [text for level, text in parse(response).headings if level == 2]
    assert groups == ["2004", "2009", "2011", "2013", "2016", "Year not given"]
    assert '<time datetime="2009">2009</time>' in page
    assert '<time datetime="2016-07-14">14 July 2016</time>' in page
    assert '<p class="when">2 August (year not given)</p>' in page
    assert page.index("14 July 2016") < page.index("9 September 2016")
    assert page.index("9 September 2016") < page.index("12 September 2016")


def test_timeline_shows_month_precision_and_unknown_dates(client, seeded):
    Event.objects.create(title="A month", date="2016-09", status="published")
    Event.objects.create(title="No date at all", status="published")
    response = client.get("/timeline/")
    page = text_of(response)
    assert '<time datetime="2016-09">September 2016</time>' in page
    groups = [text for level, text in parse(response).headings if level == 2]
    assert groups[-1] == "Date unknown"


def test_timeline_entries_link_participants_place_and_articles(client, seeded):
    response = client.get("/timeline/")
    links = hrefs(response)
    assert {"/people/john-mccain/", "/places/camp-liberty/", ARTICLE_URL} <= links
    assert "/organisations/ministry-of-intelligence/" in links


def test_timeline_narrows_by_year(client, seeded):
    response = client.get("/timeline/?year=2009")
    links = hrefs(response)
    assert "/events/2009-attack-on-camp-ashraf/" in links
    assert "/events/2011-attack-on-camp-ashraf/" not in links


# Tags


def test_tag_index_counts_published_records(client, seeded):
    page = text_of(client.get("/tags/"))
    assert (
        '<a href="/tags/iranian-opposition/">Iranian opposition</a> <span class="count">(2)</span>'
        in page
    )
    assert '<a href="/tags/refugees/">refugees</a> <span class="count">(1)</span>' in page


def test_tag_page_lists_every_kind_of_record_with_the_tag(client, seeded):
    response = client.get("/tags/iranian-opposition/")
    links = hrefs(response)
    assert {ARTICLE_URL, "/organisations/mujahedeen-e-khalq/"} <= links
    assert [text for level, text in parse(response).headings if level == 2] == [
        "Articles (1)",
        "Organisations (1)",
    ]
    assert "/feeds/tags/iranian-opposition.atom" in links
