"""The request-body deadline (config/body_limit.py): base, earned time, ceiling."""

from __future__ import annotations

import pytest

from config.body_limit import BodyDeadline

DEFAULTS = BodyDeadline(base=10, min_rate=500, ceiling=60)


def test_a_body_gets_the_base_before_any_byte_arrives():
    assert DEFAULTS.seconds(0) == 10


def test_each_min_rate_bytes_received_earn_one_more_second():
    assert DEFAULTS.seconds(5_000) == 20


def test_a_trickle_earns_next_to_nothing():
    # One byte every 5 s for 10 s: two bytes, 0.004 s more.
    assert DEFAULTS.seconds(2) == pytest.approx(10.004)


def test_no_body_gets_more_than_the_ceiling():
    assert DEFAULTS.seconds(1024 * 1024) == 60


def test_a_steady_2_kib_per_second_upload_stays_ahead_of_its_deadline():
    # A 100 KiB body at 2 KiB/s (a poor 3G link) takes 50 s.
    rate = 2048
    assert all(DEFAULTS.seconds(rate * t) > t for t in range(51))
