"""The site's URLs plus a bare Django view, for benchmarks/site_benchmark.py only."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare), path("", include("archive.urls"))]
