"""URLs for benchmarks: the app's, plus `/__bare__/`, the floor a page is compared with,
and `/__hello__/`, a hello-world page (the ceiling of bench/load.py).

bench/pages.py sets `BARE["view"]` to its bare render; under gunicorn `/__bare__/` serves
the stored HTML of BENCH_BARE_HTML when it is set.
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


def hello(request):
    """The ceiling of any page: a constant answer through the app's whole middleware stack."""
    return HttpResponse("hello, world")


urlpatterns = [path("__bare__/", bare), path("__hello__/", hello), *app_urlpatterns]
