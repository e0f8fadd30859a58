"""Unit tests of the backoff: /usr/bin/python3 -m unittest -v test_client"""

import unittest

from client import next_delay, MAX_DELAY_S


class NextDelayTest(unittest.TestCase):
    def test_starts_at_one_second_and_doubles(self):
        self.assertEqual([next_delay(a) for a in range(6)], [1, 2, 4, 8, 16, 32])

    def test_is_capped_at_sixty_seconds(self):
        self.assertEqual(MAX_DELAY_S, 60)
        for attempt in (6, 7, 10, 100, 10000):
            self.assertEqual(next_delay(attempt), 60, attempt)

    def test_never_decreases(self):
        delays = [next_delay(a) for a in range(50)]
        self.assertEqual(delays, sorted(delays))
        self.assertTrue(all(0 < d <= 60 for d in delays))

    def test_refuses_negative_or_non_integer(self):
        for bad in (-1, 1.5, None, True):
            with self.assertRaises(ValueError):
                next_delay(bad)


if __name__ == "__main__":
    unittest.main()
