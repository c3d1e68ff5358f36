"""The engine finds forwardings and reports through an index by document, not a scan."""

import datetime
import random
import unittest
from dataclasses import dataclass

from compliance.rules.obligations import EventIndex, _first_event


@dataclass(frozen=True)
class Event:
    id: int
    doc_ids: tuple


class EventIndexTest(unittest.TestCase):
    def test_finds_what_a_scan_of_every_event_finds(self):
        rng = random.Random(17)
        start = datetime.date(2022, 1, 1)
        events = []
        for i in range(400):
            day = start + datetime.timedelta(days=rng.randrange(200))
            events.append((day, Event(i, tuple(rng.sample(range(60), rng.randrange(0, 4))))))
        events.sort(key=lambda e: (e[0], e[1].id))
        index = EventIndex(events)
        for _ in range(2000):
            ids = set(rng.sample(range(70), rng.randrange(1, 4)))
            not_before = start + datetime.timedelta(days=rng.randrange(-5, 210))
            self.assertEqual(index.first(ids, not_before), _first_event(events, ids, not_before))

    def test_same_day_events_keep_the_scan_order(self):
        day = datetime.date(2023, 3, 17)
        events = [(day, Event(9, (1,))), (day, Event(3, (1, 2)))]  # the order given, not the ids
        self.assertEqual(EventIndex(events).first({1, 2}, day), (day, events[0][1]))

    def test_nothing_found(self):
        index = EventIndex([])
        self.assertEqual(index.first({1}, datetime.date(2023, 1, 1)), (None, None))
