"""Which agreed extensions make sense (compliance.rules.extensions): pure, no database."""

import datetime
import unittest

from compliance.rules.extensions import (
    BEFORE_EVENT,
    FULFILLED,
    GRANTED_IN_FUTURE,
    NOT_AFTER_STATUTORY,
    extension_problems,
)

D = datetime.date
DUE = D(2024, 2, 29)
TODAY = D(2024, 3, 4)


def codes(**kwargs):
    values = {
        "statutory_due": DUE,
        "fulfilled_on": None,
        "event_day": None,
        "extended_to": D(2024, 3, 31),
        "recorded_on": TODAY,
        "granted_on": D(2024, 2, 20),
    }
    values.update(kwargs)
    return [(p.code, p.field) for p in extension_problems(**values)]


class ExtensionProblemsTest(unittest.TestCase):
    def test_a_later_date_on_an_open_duty_is_accepted(self):
        self.assertEqual(codes(), [])

    def test_an_extension_on_or_before_the_statutory_date_is_refused(self):
        self.assertEqual(codes(extended_to=DUE), [(NOT_AFTER_STATUTORY, "extended_to")])
        self.assertEqual(codes(extended_to=D(2024, 2, 1)), [(NOT_AFTER_STATUTORY, "extended_to")])

    def test_an_extension_to_a_date_before_the_triggering_event_is_refused(self):
        # Received on 2024-01-25, grace ends 2024-02-08: a date before the receipt is both.
        got = codes(statutory_due=D(2024, 2, 8), event_day=D(2024, 1, 25), extended_to=D(2024, 1, 24))
        self.assertIn((BEFORE_EVENT, "extended_to"), got)
        self.assertIn((NOT_AFTER_STATUTORY, "extended_to"), got)
        # Alone, whatever the statutory date says (a rule whose date came before its event).
        got = codes(statutory_due=D(2024, 1, 1), event_day=D(2024, 1, 25), extended_to=D(2024, 1, 20))
        self.assertEqual(got, [(BEFORE_EVENT, "extended_to")])
        self.assertEqual(codes(statutory_due=D(2024, 1, 1), event_day=D(2024, 1, 25), extended_to=D(2024, 1, 25)), [])

    def test_a_duty_fulfilled_by_the_day_of_recording_cannot_be_extended(self):
        self.assertEqual(codes(fulfilled_on=TODAY), [(FULFILLED, "obligation_key")])
        self.assertEqual(codes(fulfilled_on=D(2024, 1, 25)), [(FULFILLED, "obligation_key")])
        # A fulfilment recorded for a later day has not happened yet on the day of recording.
        self.assertEqual(codes(fulfilled_on=TODAY + datetime.timedelta(days=1)), [])

    def test_a_grant_dated_after_the_day_of_recording_is_refused(self):
        self.assertEqual(codes(granted_on=TODAY + datetime.timedelta(days=1)), [(GRANTED_IN_FUTURE, "granted_on")])
        self.assertEqual(codes(granted_on=TODAY), [])
