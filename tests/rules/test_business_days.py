"""Business days between two dates are counted, and count what walking the days counts."""

import datetime
import random
import unittest

from compliance.rules.calendar import HolidayCalendar

D = datetime.date


def walked(cal, start, end):
    if end < start:
        return -walked(cal, end, start)
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += cal.is_business_day(day)
    return count


class BusinessDaysBetweenTest(unittest.TestCase):
    def test_counts_like_walking_every_day(self):
        rng = random.Random(16)
        cal = HolidayCalendar(
            added={D(2023, 10, 2): ("임시공휴일", "Temporary holiday"), D(2024, 6, 8): ("토요일 추가", "")},
            removed=frozenset({D(2024, 2, 12), D(2023, 5, 29)}),
        )
        for _ in range(600):
            start = D(2021, 6, 1) + datetime.timedelta(days=rng.randrange(1500))
            end = start + datetime.timedelta(days=rng.randrange(-400, 900))
            self.assertEqual(cal.business_days_between(start, end), walked(cal, start, end), (start, end))

    def test_known_spans(self):
        cal = HolidayCalendar()
        # 삼일절 2024 is a Friday: Thursday to the next Monday is one business day.
        self.assertEqual(cal.business_days_between(D(2024, 2, 29), D(2024, 3, 4)), 1)
        self.assertEqual(cal.business_days_between(D(2024, 3, 4), D(2024, 3, 4)), 0)
        self.assertEqual(cal.business_days_between(D(2024, 3, 4), D(2024, 2, 29)), -1)
