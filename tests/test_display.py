"""How dates, times and sizes read: Korean like the city's documents, English its own way,
never ISO or UTC."""

import datetime
import unittest

from compliance import display

UTC = datetime.UTC


class DateTests(unittest.TestCase):
    def test_korean_date_has_dots_and_the_weekday_in_parentheses(self):
        self.assertEqual(display.format_date(datetime.date(2026, 11, 27), "ko"), "2026. 11. 27.(금)")

    def test_korean_date_has_no_leading_zeros(self):
        self.assertEqual(display.format_date(datetime.date(2024, 3, 5), "ko"), "2024. 3. 5.(화)")

    def test_english_date_has_its_own_format(self):
        self.assertEqual(display.format_date(datetime.date(2026, 11, 27), "en"), "Fri 27 Nov 2026")

    def test_a_utc_time_is_shown_as_the_day_and_time_in_seoul(self):
        late_evening_utc = datetime.datetime(2026, 11, 26, 20, 30, tzinfo=UTC)  # 05:30 on the 27th in Seoul
        self.assertEqual(display.format_date(late_evening_utc, "ko"), "2026. 11. 27.(금)")
        self.assertEqual(display.format_datetime(late_evening_utc, "ko"), "2026. 11. 27.(금) 05:30")
        self.assertEqual(display.format_datetime(late_evening_utc, "en"), "Fri 27 Nov 2026, 05:30")
        self.assertEqual(display.format_time(late_evening_utc), "05:30")

    def test_nothing_reads_as_an_empty_string(self):
        self.assertEqual(display.format_date(None), "")
        self.assertEqual(display.format_datetime(None), "")
        self.assertEqual(display.format_size(None), "")


class SizeTests(unittest.TestCase):
    def test_sizes_carry_units_and_separators(self):
        self.assertEqual(display.format_size(812), "812 B")
        self.assertEqual(display.format_size(107_844), "105 KB")
        self.assertEqual(display.format_size(5_000), "4.9 KB")
        self.assertEqual(display.format_size(2_621_440), "2.5 MB")
        self.assertEqual(display.format_size(52_428_800), "50 MB")
        self.assertEqual(display.format_size(1_500 * 1024 * 1024 * 1024), "1,500 GB")

    def test_numbers_carry_separators(self):
        self.assertEqual(display.format_number(1_262_000), "1,262,000")
