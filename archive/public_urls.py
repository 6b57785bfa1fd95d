from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter

from . import feeds, views
from .sitemaps import SITEMAPS
from .views.site import one_address


class UnicodeSlugConverter:
    """A slug in any script ("владимир-путин"), as the models' slug fields allow; Django's
    ``slug`` converter takes ASCII only. ``reverse()`` percent-encodes what it returns."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class Sha256Converter:
    """A SHA-256 in hexadecimal, as documents record it."""

    regex = "[0-9a-f]{64}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UnicodeSlugConverter, "uslug")
register_converter(Sha256Converter, "hex64")

app_name = "archive"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/", views.ArticleList.as_view(), name="article_list"),
    path("articles/<uslug:slug>/", views.ArticleDetail.as_view(), name="article_detail"),
    path("people/", views.PersonList.as_view(), name="person_list"),
    path("people/<uslug:slug>/", views.PersonDetail.as_view(), name="person_detail"),
    path("organisations/", views.OrganizationList.as_view(), name="organization_list"),
    path(
        "organisations/<uslug:slug>/",
        views.OrganizationDetail.as_view(),
        name="organization_detail",
    ),
    path("places/", views.PlaceList.as_view(), name="place_list"),
    path("places/<uslug:slug>/", views.PlaceDetail.as_view(), name="place_detail"),
    path("events/", views.EventList.as_view(), name="event_list"),
    path("events/<uslug:slug>/", views.EventDetail.as_view(), name="event_detail"),
    path("quotations/", views.QuotationList.as_view(), name="quotation_list"),
    path("quotations/<uslug:slug>/", views.QuotationDetail.as_view(), name="quotation_detail"),
    path("files/<int:pk>/", views.document_detail, name="document_detail"),
    path("files/<int:pk>/download", views.document_file, name="document_file"),
    path(
        "files/sha256/<hex64:sha256>",
        views.document_by_content,
        name="document_by_content",
    ),
    path(
        "files/<int:pk>/preview-<int:width>.webp",
        views.document_preview,
        name="document_preview",
    ),
    path("timeline/", views.timeline, name="timeline"),
    path("tags/", views.tag_list, name="tag_list"),
    path("tags/<str:slug>/", views.tag_detail, name="tag_detail"),
    path("feeds/articles.rss", feeds.ArticlesFeed(), name="articles_rss"),
    path("feeds/articles.atom", feeds.ArticlesAtomFeed(), name="articles_atom"),
    path("feeds/tags/<str:slug>.rss", feeds.TagArticlesFeed(), name="tag_rss"),
    path("feeds/tags/<str:slug>.atom", feeds.TagArticlesAtomFeed(), name="tag_atom"),
    path("feeds/people/<uslug:slug>.rss", feeds.PersonArticlesFeed(), name="person_rss"),
    path("feeds/people/<uslug:slug>.atom", feeds.PersonArticlesAtomFeed(), name="person_atom"),
    path("search/", views.search, name="search"),
    # An index of one sitemap per kind, each cut into files of at most 50,000 addresses
    # (?p=2, …), as the sitemap protocol requires.
    path(
        "sitemap.xml",
        one_address(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "archive:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        one_address(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
]
