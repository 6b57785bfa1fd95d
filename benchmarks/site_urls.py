"""The site's URLs plus a bare Django view, for benchmarks/site_benchmark.py only."""

from django.http import HttpResponse
from django.urls import path

from archive import urls


def bare(request):
    return HttpResponse("ok")


# The site's patterns themselves, not include()d: Django refuses i18n_patterns in an include.
urlpatterns = [path("bench/bare/", bare), *urls.urlpatterns]
handler500 = urls.handler500
