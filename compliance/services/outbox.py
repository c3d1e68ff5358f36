"""Recording that an e-mail went out, right after the mail server took it.

The send and the record cannot be one transaction: between them lies the window in which
a dying worker or a database that goes away leaves a sent e-mail "sending", and the
sweep sends it again after `STUCK_MINUTES`. The senders keep that window to one message
(each is recorded at once, never at the end of a batch), and `mark_sent` waits out a
short database outage instead of giving up on the record.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

log = logging.getLogger(__name__)


def mark_sent(queryset, status, sleep=time.sleep) -> bool:
    """`queryset.update(status=status, sent_at=now)`, tried again while the database does
    not answer, for at most WEGO_MARK_SENT_RETRY_SECONDS (well under the 15 minutes after
    which a "sending" row is sent again). Returns False (logged) if it never answered."""
    deadline = time.monotonic() + settings.WEGO_MARK_SENT_RETRY_SECONDS
    delay = 0.5
    while True:
        try:
            queryset.update(status=status, sent_at=timezone.now())
            return True
        except DatabaseError as exc:
            if connection.in_atomic_block or time.monotonic() + delay > deadline:
                log.error("Sent, but could not record it (%s); it may be sent again: %s", queryset.model.__name__, exc)
                if connection.in_atomic_block:
                    raise
                return False
            log.warning("Sent; the database is away, recording it again in %.1f s: %s", delay, exc)
            sleep(delay)
            delay = min(delay * 2, 10)
            connection.close()
            close_old_connections()
