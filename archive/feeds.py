"""RSS and Atom feeds of published articles: all of them, per tag and per person."""

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext

from .models import Article, Person
from .tagging import public_tag_or_404
from .views.moved import moved_or_404
from .views.params import text_param


def _feed_items(articles):
    return articles.prefetch_related("tags")[: settings.ARCHIVE_PAGE_SIZE]


class ArticlesFeed(Feed):
    """Latest published articles. Dates are given only where the source gives them.

    Every text we store is plain text. Feed readers render RSS titles and descriptions and
    Atom summaries (`type="html"`) as HTML, so those fields are HTML-escaped before the feed
    generator XML-escapes them: a summary typed as `<img onerror=...>` shows as that text.
    Atom titles, categories and names are text constructs and need only the XML escaping.
    """

    titles_are_html = True  # RSS; the Atom versions set it False

    def _html_title(self, text):
        return escape(text) if self.titles_are_html else text

    def feed_title(self, obj):
        return gettext("%(site)s: articles") % {"site": settings.SITE_NAME}

    def title(self, obj=None):
        return self._html_title(self.feed_title(obj))

    def link(self, obj=None):
        return reverse("archive:article_list")

    def description(self, obj=None):
        return escape(self.feed_description(obj))

    def feed_description(self, obj):
        return gettext("The latest articles published in the archive.")

    def items(self, obj=None):
        return _feed_items(Article.objects.published())

    def item_title(self, article):
        return self._html_title(article.title)

    def item_extra_kwargs(self, article):
        return {"text_language": article.language or ""}

    def item_description(self, article):
        return escape(article.summary or gettext("No summary recorded."))

    def item_pubdate(self, article):
        date = article.publication_date
        if date.year and date.month and date.day:
            return datetime.datetime(date.year, date.month, date.day, tzinfo=datetime.UTC)
        return None

    def item_updateddate(self, article):
        return article.updated_at

    def item_author_name(self, article):
        return article.byline or None

    def item_categories(self, article):
        return [tag.name for tag in article.tags.all()]


class TagArticlesFeed(ArticlesFeed):
    def get_object(self, request, slug):
        return public_tag_or_404(text_param(slug))

    def feed_title(self, tag):
        return gettext("%(site)s: articles tagged “%(tag)s”") % {
            "site": settings.SITE_NAME,
            "tag": tag.name,
        }

    def link(self, tag):
        return reverse("archive:tag_detail", kwargs={"slug": tag.slug})

    def feed_description(self, tag):
        return gettext("The latest articles tagged “%(tag)s”.") % {"tag": tag.name}

    def items(self, tag):
        return _feed_items(Article.objects.published().linked_to("tags", tag))


class PersonArticlesFeed(ArticlesFeed):
    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except Http404:
            # A person's old slug: a 301 to the feed at the current one.
            slug = kwargs["slug"]
            records = Person.objects.published()
            return moved_or_404(request, records, slug, f"No person at “{slug}”.")

    def get_object(self, request, slug):
        return get_object_or_404(Person.objects.published(), slug=slug)

    def feed_title(self, person):
        return gettext("%(site)s: articles mentioning %(name)s") % {
            "site": settings.SITE_NAME,
            "name": person.name,
        }

    def link(self, person):
        return person.get_absolute_url()

    def feed_description(self, person):
        return gettext("The latest articles that mention %(name)s.") % {"name": person.name}

    def items(self, person):
        return _feed_items(Article.objects.published().linked_to("people", person))


class ContentLanguageAtom1Feed(Atom1Feed):
    """Atom whose entries say their text's language (``xml:lang``; empty when not known), as
    the pages do with ``lang``: the feed's own is the interface's. RSS has no such place."""

    def item_attributes(self, item):
        return {**super().item_attributes(item), "xml:lang": item["text_language"]}


def atom(feed_class):
    """The Atom version of an RSS feed class."""
    return type(
        f"Atom{feed_class.__name__}",
        (feed_class,),
        {"feed_type": ContentLanguageAtom1Feed, "titles_are_html": False},
    )


ArticlesAtomFeed = atom(ArticlesFeed)
TagArticlesAtomFeed = atom(TagArticlesFeed)
PersonArticlesAtomFeed = atom(PersonArticlesFeed)
