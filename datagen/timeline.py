"""Calendar helpers: seasonal day sampling and timestamps as numpy datetime64[s] (local time)."""

from __future__ import annotations

import numpy as np

from .config import Config

# Demand by calendar month: Chinese New Year dip, the 618 and half-year push, 金九银十, year-end rush.
MONTH_FACTOR = np.array([1.00, 0.65, 1.00, 0.95, 1.00, 1.15, 0.90, 0.95, 1.10, 1.10, 1.10, 1.30])
# Monday..Sunday: showrooms are busiest at the weekend.
WEEKDAY_FACTOR = np.array([0.85, 0.85, 0.85, 0.90, 1.00, 1.55, 1.45])
# Hour of day weights, 0..23.
HOUR_WEIGHT = np.array(
    [
        0.2,
        0.1,
        0.05,
        0.05,
        0.05,
        0.1,
        0.3,
        0.6,
        1.0,
        1.4,
        1.6,
        1.5,
        1.2,
        1.3,
        1.5,
        1.6,
        1.5,
        1.3,
        1.2,
        1.4,
        1.6,
        1.3,
        0.8,
        0.4,
    ]
)

SECOND = np.timedelta64(1, "s")
DAY = np.timedelta64(86400, "s")


def day_array(cfg: Config) -> np.ndarray:
    start = np.datetime64(cfg.start, "D")
    return start + np.arange(cfg.days)


def demand_weights(cfg: Config, growth: float = 0.35) -> np.ndarray:
    days = day_array(cfg)
    months = days.astype("datetime64[M]").astype(int) % 12
    weekdays = (days.astype(int) + 3) % 7  # 1970-01-01 was a Thursday
    trend = 1.0 + growth * np.arange(cfg.days) / cfg.days
    w = MONTH_FACTOR[months] * WEEKDAY_FACTOR[weekdays] * trend
    return w / w.sum()


def sample_days(cfg: Config, rng: np.random.Generator, n: int, weights: np.ndarray | None = None) -> np.ndarray:
    """n seasonal days as datetime64[D]."""
    w = demand_weights(cfg) if weights is None else weights
    return day_array(cfg)[rng.choice(cfg.days, size=n, p=w)]


def at_random_time(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    """A local timestamp on each day, following the hour-of-day curve."""
    hours = rng.choice(24, size=len(days), p=HOUR_WEIGHT / HOUR_WEIGHT.sum())
    secs = hours * 3600 + rng.integers(0, 3600, len(days))
    return days.astype("datetime64[s]") + secs * SECOND


def after(rng: np.random.Generator, ts: np.ndarray, min_days: float, max_days: float) -> np.ndarray:
    """A timestamp between min_days and max_days after each of ts (uniform)."""
    secs = rng.uniform(min_days * 86400, max_days * 86400, len(ts)).astype(np.int64)
    return ts + secs * SECOND


def end_ts(cfg: Config) -> np.datetime64:
    """First instant after the data window (local time)."""
    return np.datetime64(cfg.end, "D").astype("datetime64[s]") + DAY
