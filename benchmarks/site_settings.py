"""The production settings with the benchmark's URLs (a bare view beside the site)."""

from archive.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.site_urls"
