"""The in-app inbox: unread counts and marking notifications read."""

from django.db import transaction
from django.utils import timezone

from ..models import Notification


def unread_count(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def do_mark_read(user, notification_ids=None):
    """Mark the user's notifications (all, or the given ids) read; returns how many changed."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    with transaction.atomic():
        return qs.update(read_at=timezone.now())
