"""Feeds of the register: what changed (Atom), and the statutory due dates (iCal).

Changes are derived from the register as of today, like everything else: a duty became
overdue (the day after its due date), was fulfilled, forwarded to the Council, or reported
to the committee. The public feed and calendar follow staged disclosure; the personal
feed (behind the same secret link as the personal calendar) shows what its user may see.
"""

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from icalendar import Calendar, Event

from .. import disclosure, register
from ..alert_text import absolute_url
from ..display import date_label
from ..labels import fiscal_year_label, status_label
from ..models import AlertPreference, LogHead

FEED_LIMIT = 100
# The newest signed heads of the transparency log in the public feed.
HEADS_IN_FEED = 20
OVERDUE, FULFILLED, FORWARDED, REPORTED = "overdue", "fulfilled", "forwarded", "reported"
# Statuses that say the duty was (or still is) past due. "no_record" is not one: the
# records do not cover that time, so the register makes no claim (DOMAIN.md).
_PAST_DUE = {"overdue", "late"}
_FULFILLED = {"on_time", "late"}


@dataclass(frozen=True)
class Change:
    day: datetime.date
    kind: str
    obligation: object

    @property
    def uid(self):
        return f"{self.obligation.key}:{self.kind}"


def recent(reg, as_of):
    """The obligations whose latest change may be among the newest: the latest fulfilled
    and the latest past due, each by an indexed date (a feed never reads the history)."""
    rows = reg.rows(as_of)
    reach = FEED_LIMIT * 3  # room for what the public may not see
    done = rows.filter(fulfilled_on__lte=as_of).order_by("-fulfilled_on", "-key")[:reach]
    late = rows.filter(status__in=_PAST_DUE, due_date__lt=as_of).order_by("-due_date", "-key")[:reach]
    found = {o.key: o for o in reg.materialize(done, as_of)}
    found.update((o.key, o) for o in reg.materialize(late, as_of))
    return list(found.values())


def changes(obligations, as_of, *, public, forwarded_ids):
    """Newest first; the public does not see the fulfilment of an undisclosed document."""
    result = []
    for ob in obligations:
        if ob.status in _FULFILLED and ob.fulfilled_on and ob.fulfilled_on <= as_of:
            if not public or disclosure.obligation_disclosed(ob, forwarded_ids):
                kind = {"receipt": FORWARDED, "forwarding": REPORTED}.get(ob.spec.anchor, FULFILLED)
                result.append(Change(ob.fulfilled_on, kind, ob))
        if ob.status in _PAST_DUE:
            day = ob.due_date + datetime.timedelta(days=1)
            if day <= as_of:
                result.append(Change(day, OVERDUE, ob))
    result.sort(key=lambda c: (c.day, c.uid), reverse=True)
    return result[:FEED_LIMIT]


def _title(change):
    ob = change.obligation
    values = {"duty": ob.rule.name, "fy": fiscal_year_label(ob.fiscal_year)}
    return {
        OVERDUE: _("Overdue: %(duty)s (%(fy)s)"),
        FULFILLED: _("Fulfilled: %(duty)s (%(fy)s)"),
        FORWARDED: _("Forwarded to the Council: %(duty)s (%(fy)s)"),
        REPORTED: _("Reported to the committee: %(duty)s (%(fy)s)"),
    }[change.kind] % values


def _atom(request, title, link, items, public, heads=()):
    feed = Atom1Feed(
        title=title,
        link=absolute_url(link),
        description=title,
        language=translation.get_language(),
        feed_url=absolute_url(request.get_full_path()),
    )
    tz = timezone.get_default_timezone()
    for change in items:
        ob = change.obligation
        url = (
            absolute_url(reverse("public_register")) + f"#{ob.key}"
            if public
            else absolute_url(reverse("obligation_detail", args=[ob.key]))
        )
        when = timezone.make_aware(datetime.datetime.combine(change.day, datetime.time()), tz)
        lines = [str(status_label(ob)), _("Due: %(day)s") % {"day": date_label(ob.due_date)}]
        feed.add_item(
            title=_title(change),
            link=url,
            description="\n".join(lines),
            unique_id=f"tag:wego-article17,{change.day.isoformat()}:{change.uid}",
            pubdate=when,
            updateddate=when,
        )
    for head in heads:
        # The transparency log's signed heads: a reader of the feed keeps a copy of each,
        # which the city cannot take back (README "Proof anyone can check").
        feed.add_item(
            title=_("Signed log head: %(n)s entries") % {"n": head.tree_size},
            link=absolute_url(reverse("public_log")),
            description=head.body,
            unique_id=f"tag:wego-article17,{head.timestamp.date().isoformat()}:log-head:{head.tree_size}:{head.root_hash}",
            pubdate=head.timestamp,
            updateddate=head.timestamp,
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


def _unknown_parameters(request):
    """Feeds take no parameters: any is refused with a clear message, never ignored."""
    if not request.GET:
        return None
    message = _("Unknown parameter: %(names)s. This address takes no parameters.") % {
        "names": ", ".join(sorted(request.GET))
    }
    return HttpResponseBadRequest(message + "\n", content_type="text/plain; charset=utf-8")


def _not_found():
    return HttpResponseNotFound("Not Found\n", content_type="text/plain; charset=utf-8")


@require_GET
def public_feed(request):
    if not disclosure.public_register_enabled():
        return _not_found()
    if refused := _unknown_parameters(request):
        return refused
    today = timezone.localdate()
    reg = register.load()
    forwarded = disclosure.forwarded_document_ids(today)
    items = changes(recent(reg, today), today, public=True, forwarded_ids=forwarded)
    heads = LogHead.objects.order_by("-timestamp", "-pk")[:HEADS_IN_FEED]
    return _atom(
        request, _("WeGO Article 17: changes in the public register"), reverse("public_register"), items, True, heads
    )


@require_GET
def user_feed(request, token):
    """The personal feed: the secret link of the personal calendar, with `.atom`."""
    pref = AlertPreference.objects.select_related("user").filter(ical_token=token, user__is_active=True).first()
    if not token or pref is None or not secrets.compare_digest(pref.ical_token, token):
        return _not_found()
    today = timezone.localdate()
    public = disclosure.reads_as_public(pref.user)
    if public and not disclosure.public_register_enabled():
        return _not_found()
    reg = register.load()
    forwarded = disclosure.forwarded_document_ids(today)
    with translation.override(pref.language):
        items = changes(recent(reg, today), today, public=public, forwarded_ids=forwarded)
        return _atom(request, _("WeGO Article 17: changes"), reverse("dashboard"), items, public)


@require_GET
def public_calendar(request):
    """Statutory due dates (duties tied to a fiscal year), as iCalendar; no personal data."""
    if not disclosure.public_register_enabled():
        return _not_found()
    if refused := _unknown_parameters(request):
        return refused
    today = timezone.localdate()
    reg = register.load()
    cal = Calendar()
    cal.add("prodid", "-//Seoul Metropolitan Government//WeGO Article 17 register//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("WeGO Article 17: statutory due dates"))
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    language = translation.get_language() or "ko"
    page = absolute_url(reverse("public_register"))
    # "Without delay" grace dates are our reading, not statutory dates: left out.
    for ob in reg.obligations(today, event_driven=False):
        event = Event()
        event.add("uid", f"{ob.key}@wego-article17-public")
        event.add("dtstamp", stamp)
        event.add("dtstart", ob.due_date)
        event.add("dtend", ob.due_date + datetime.timedelta(days=1))
        event.add("summary", f"[{_('Article 17')}] {ob.rule.name} ({fiscal_year_label(ob.fiscal_year)})")
        event.add("description", "\n".join(ob.deadline.derivation(language)))
        event.add("url", f"{page}#{ob.key}")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="wego-article17-public.ics"'
    return response
