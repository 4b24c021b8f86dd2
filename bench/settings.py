"""Benchmark settings: production-like, plus the hand-written baseline URL."""

from config.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
