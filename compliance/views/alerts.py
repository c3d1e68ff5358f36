"""Alerts for the signed-in user: the in-app inbox, preferences and the personal calendar feed."""

import datetime
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from icalendar import Alarm, Calendar, Event

from ..alert_text import absolute_url
from ..forms.alerts import PreferenceForm
from ..labels import fiscal_year_label, status_label
from ..models import (
    AlertPreference,
    Notification,
    StoredObligation,
)
from ..services import alerts, notifications

ALERTS_PAGE_SIZE = 50


def _with_fulfilment(items):
    """Mark each alert whose duty has since been fulfilled (`fulfilled_on`), read from the
    register as of today: an alert about a duty that is done must say so."""
    items = list(items)
    keys = {n.obligation_key for n in items if n.obligation_key}
    if keys:
        # One indexed query: the stored fulfilment day of each key, shown if it has come.
        today = timezone.localdate()
        done = dict(StoredObligation.objects.filter(key__in=keys).values_list("key", "fulfilled_on"))
        for n in items:
            day = done.get(n.obligation_key)
            n.fulfilled_on = day if day is not None and day <= today else None
    return items


@login_required
def inbox(request):
    notifications = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-pk")
    number = request.GET.get("page")
    first = list(notifications[: ALERTS_PAGE_SIZE + 1]) if number in (None, "", "1") else None
    if first is not None and len(first) <= ALERTS_PAGE_SIZE:
        # One page holds them all: paginate what was read, without counting them again.
        page = Paginator(first, ALERTS_PAGE_SIZE).get_page(1)
    else:
        page = Paginator(notifications, ALERTS_PAGE_SIZE).get_page(number)
    page.object_list = _with_fulfilment(page.object_list)
    return render(request, "compliance/alerts/inbox.html", {"page": page})


@login_required
@require_POST
def mark_read(request):
    """Mark one notification (``id``) or all of the user's notifications read."""
    raw = request.POST.get("id")
    if raw is not None and not raw.isdigit():
        return render(request, "compliance/error.html", {"message": _("Unknown notification.")}, status=400)
    changed = notifications.do_mark_read(request.user, [int(raw)] if raw else None)
    if request.htmx and raw:
        # The alert itself, now read, and the header's badge out of band.
        items = _with_fulfilment(Notification.objects.filter(recipient=request.user, pk=int(raw)))
        if not items:
            return render(request, "compliance/error.html", {"message": _("Unknown notification.")}, status=400)
        return render(
            request,
            "compliance/alerts/_alert_read.html",
            {"n": items[0], "unread_notifications": notifications.unread_count(request.user, notifications.BADGE_CAP)},
        )
    if raw is None and changed:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("alerts_inbox")


@login_required
def preferences(request):
    pref = alerts.preference_for(request.user)
    form = PreferenceForm(request.POST or None, instance=pref)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                form.save()
            messages.success(request, _("Your alert preferences are saved."))
            return redirect("alerts_preferences")
        status = 400
    # The configured site address, as in e-mails: never the host this request came through.
    feed_url = absolute_url(reverse("alerts_calendar_feed", args=[pref.ical_token])) if pref.ical_token else ""
    return render(request, "compliance/alerts/preferences.html", {"form": form, "feed_url": feed_url}, status=status)


@login_required
@require_POST
def calendar_token(request):
    """``action=new`` makes a new secret feed URL (the old one stops working); ``revoke`` removes it."""
    action = request.POST.get("action")
    if action not in {"new", "revoke"}:
        return render(request, "compliance/error.html", {"message": _("Unknown action.")}, status=400)
    pref = alerts.preference_for(request.user)
    if pref.ical_token and request.POST.get("confirmed") != "1":
        # Replacing or revoking breaks every calendar that uses the address: ask first.
        return render(request, "compliance/alerts/confirm_calendar.html", _calendar_question(action))
    with transaction.atomic():
        pref.ical_token = secrets.token_urlsafe(32) if action == "new" else ""
        pref.save(update_fields=["ical_token"])
    messages.success(
        request,
        _("A new calendar link was created; the old one no longer works.")
        if action == "new"
        else _("The calendar link was revoked."),
    )
    return redirect("alerts_preferences")


def _calendar_question(action):
    if action == "new":
        return {
            "action": action,
            "question": _("Make a new calendar address?"),
            "consequence": _(
                "The current address stops working at once, in every calendar that uses it. "
                "You will have to subscribe again with the new address."
            ),
            "confirm_label": _("Make a new address"),
        }
    return {
        "action": action,
        "question": _("Revoke the calendar address?"),
        "consequence": _("Calendars that use the address stop receiving your deadlines. You can make a new one later."),
        "confirm_label": _("Revoke the address"),
    }


@require_GET
@never_cache
def calendar_feed(request, token):
    """A user's deadlines as iCalendar, for Outlook or Google Calendar. The URL is the secret.

    A wrong or revoked token is a plain 404, the same as any unknown URL.
    """
    if not token:
        return _feed_not_found()
    pref = AlertPreference.objects.select_related("user").filter(ical_token=token, user__is_active=True).first()
    if pref is None or not secrets.compare_digest(pref.ical_token, token):
        return _feed_not_found()
    as_of = timezone.localdate()
    cal = Calendar()
    cal.add("prodid", "-//Seoul Metropolitan Government//WeGO Article 17 tracker//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    with translation.override(pref.language):
        cal.add("x-wr-calname", _("WeGO Article 17 deadlines"))
        cal.add("x-wr-timezone", settings.TIME_ZONE)
        stamp = timezone.now()
        for ob, reminders in alerts.obligations_for_user(pref.user, as_of):
            event = Event()
            event.add("uid", f"{ob.key}@wego-tracker")
            event.add("dtstamp", stamp)
            event.add("dtstart", ob.due_date)
            event.add("dtend", ob.due_date + datetime.timedelta(days=1))
            event.add("summary", f"[{_('Article 17')}] {ob.rule.name} ({fiscal_year_label(ob.fiscal_year)})")
            lines = [str(status_label(ob)), *ob.deadline.derivation(pref.language)]
            event.add("description", "\n".join(lines))
            event.add("url", absolute_url(reverse("obligation_detail", args=[ob.key])))
            event.add("transp", "TRANSPARENT")
            if not ob.is_fulfilled and ob.due_date >= as_of:
                for stage in reminders:
                    alarm = Alarm()
                    alarm.add("action", "DISPLAY")
                    alarm.add("description", f"{ob.rule.name} ({fiscal_year_label(ob.fiscal_year)})")
                    alarm.add("trigger", datetime.timedelta(days=stage.offset_days))
                    event.add_component(alarm)
            cal.add_component(event)
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="wego-article17.ics"'
    return response


def _feed_not_found():
    """The same bare 404 for a wrong and a revoked token: nothing about either leaks."""
    return HttpResponseNotFound("Not Found\n", content_type="text/plain; charset=utf-8")
