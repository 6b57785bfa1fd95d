from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.ArticleDetail.as_view(), name="article_detail"),
    path("people/<slug:slug>/", views.PersonDetail.as_view(), name="person_detail"),
    path(
        "organisations/<slug:slug>/",
        views.OrganizationDetail.as_view(),
        name="organization_detail",
    ),
    path("places/<slug:slug>/", views.PlaceDetail.as_view(), name="place_detail"),
    path("events/<slug:slug>/", views.EventDetail.as_view(), name="event_detail"),
    path("quotations/<slug:slug>/", views.QuotationDetail.as_view(), name="quotation_detail"),
]
