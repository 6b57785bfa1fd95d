from django.shortcuts import render
from django.views.generic import DetailView

from ..models import Article, Event, Organization, Person, Place, Quotation


def home(request):
    articles = Article.objects.published().prefetch_related("tags")[:20]
    return render(request, "archive/home.html", {"articles": articles})


class PublishedDetail(DetailView):
    """A detail page of a published record; drafts are a 404 like any unknown slug."""

    template_name = "archive/record_detail.html"

    def get_queryset(self):
        return self.model.objects.published()


class ArticleDetail(PublishedDetail):
    model = Article


class PersonDetail(PublishedDetail):
    model = Person


class OrganizationDetail(PublishedDetail):
    model = Organization


class PlaceDetail(PublishedDetail):
    model = Place


class EventDetail(PublishedDetail):
    model = Event


class QuotationDetail(PublishedDetail):
    model = Quotation
