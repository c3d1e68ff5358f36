"""URLs for benchmarks: the app's, plus `/__bare__/`, the floor a page is compared with.

bench/pages.py sets `BARE["view"]` to a replay of a captured render; under gunicorn
(bench/load.py) `/__bare__/` serves the stored HTML of BENCH_BARE_HTML.
"""

import os

from django.http import HttpResponse
from django.urls import path

from wego_tracker.urls import urlpatterns as app_urlpatterns

BARE = {"view": None}
if os.environ.get("BENCH_BARE_HTML"):
    _html = open(os.environ["BENCH_BARE_HTML"], "rb").read()  # noqa: SIM115 - read once at start-up
    BARE["view"] = lambda request: HttpResponse(_html)


def bare(request):
    return BARE["view"](request)


urlpatterns = [path("__bare__/", bare), *app_urlpatterns]
