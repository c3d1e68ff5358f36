"""Cached fragments of pages, keyed by the display version.

A page whose view is wrapped in `@cached_fragments` reads, first and in one query, the
register's data version and the **display version**: a token that database triggers
change with every write to a table a page may show (migration 0023; bulk writes, updates
and deletes included). Its template wraps what it draws from the data in Django's own
`{% cache %}` tag, keyed by `request.fragments.key`:

    {% cache request.fragments.seconds "dashboard" request.fragments.key using="fragments" %}

The key holds everything else such a fragment depends on: the display and data
versions, the language, the user's role, today's date in Asia/Seoul (statuses depend on
"as of"), the full path with its query string, the htmx headers, and the settings the
register reads. So a fragment is reused only while none of these change; a write of any
shown table gives every fragment a new key at the moment it commits. Nothing that
depends on the user alone (their name, unread count, messages, CSRF token) may be drawn
inside a cached fragment: those stay in the page around it. With no version row (an
empty database) nothing is cached (`seconds` is 0).

Fragments live in the "fragments" cache (settings.CACHES: memory of each process).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import partial, wraps

from django.conf import settings
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from .. import register
from ..roles import role_of

FRAGMENT_SECONDS = 3600

# Models whose writes leave cached fragments alone: written often (alert waves, the read
# log, jobs, the audit trail) and drawn by no cached fragment. A page that shows one of
# them must not cache that part. The migration that creates the triggers names the
# same tables; tests/test_fragments.py checks that every other table has its trigger.
NOT_SHOWN = (
    "DataVersion",
    "AlertDelivery",
    "AlertScan",
    "AlertPreference",
    "Notification",
    "ApiToken",
    "AuditEntry",
    "ImportJob",
    "PacketBuild",
    "ReadLogEntry",
    "ReceiptEmail",
    "FormToken",
)


@dataclass(frozen=True)
class Fragments:
    key: str
    seconds: int


def fragments_for(request, data_token, display_token) -> Fragments:
    if not display_token:
        return Fragments(key="", seconds=0)
    headers = request.headers
    parts = [
        display_token,
        data_token or "",
        get_language() or "",
        role_of(request.user) or "",
        timezone.localdate().isoformat(),
        request.get_full_path(),
        headers.get("HX-Request", ""),
        headers.get("HX-Trigger", ""),
        headers.get("HX-History-Restore-Request", ""),
        str(settings.WEGO_TRACKING_START),
        str(settings.WEGO_DUE_SOON_DAYS),
        str(settings.WEGO_HORIZON_DAYS),
    ]
    return Fragments(key=hashlib.sha256("\x1f".join(parts).encode()).hexdigest(), seconds=FRAGMENT_SECONDS)


def cached_fragments(view):
    """Let the view's template cache its fragments (see the module doc). Put it under the
    access decorators, so only a user who may see the page reaches the cache."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            request.fragments = Fragments(key="", seconds=0)
            return view(request, *args, **kwargs)
        data_token, display_token = register.versions()
        request.fragments = fragments_for(request, data_token, display_token)
        # The page's register is the one of the version just read: data no older than the key.
        with register.pinned_version(data_token, display_token):
            return view(request, *args, **kwargs)

    return wrapper


def deferred(build, *names):
    """A view's context whose values are worked out only when a template draws one of
    them: `build()` (returning a dict with `names`) runs at most once, and not at all when
    every fragment that draws them is cached. A fragment that goes missing between the
    view and its template is drawn in full all the same."""
    built = {}

    def value(name):
        if not built:
            built.update(build())
        return built[name]

    return {name: SimpleLazyObject(partial(value, name)) for name in names}
