"""The in-app inbox: unread counts and marking notifications read."""

from django.db import transaction
from django.utils import timezone

from ..models import Notification

# The header's badge counts no further than this ("99+"): a count of every unread alert
# grew with the inbox on every page of the site, and nobody reads a badge past 99.
BADGE_CAP = 100


def unread_count(user, cap: int | None = None):
    """How many of `user`'s notifications are unread (at most `cap`, when given)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    return unread[:cap].count() if cap else unread.count()


def do_mark_read(user, notification_ids=None):
    """Mark the user's notifications (all, or the given ids) read; returns how many changed."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    with transaction.atomic():
        return qs.update(read_at=timezone.now())


def notify(users, *, title_ko, title_en, link="", obligation_key=""):
    """One in-app alert per user (its inbox and the header's badge). Called inside the
    `do_*` service whose act it reports, in that act's transaction: the alert exists
    exactly when the act does."""
    Notification.objects.bulk_create(
        Notification(
            recipient=u, title_ko=title_ko[:300], title_en=title_en[:300], link=link, obligation_key=obligation_key
        )
        for u in users
    )
