"""Run parameters: one scale factor is one year of a maker delivering about 150k cars."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Volumes per scale factor and per year (MISSION.md / scale issue).
LEADS_PER_SF_YEAR = 2_000_000
MEMBERS_PER_SF = 1_000_000
APP_EVENTS_PER_SF_YEAR = 60_000_000
STORES_PER_SF = 400

# The committed demo seeds: two full years, small enough to commit (a few MB).
DEMO_SCALE = 0.002
DEMO_EVENT_SAMPLE = 0.1
DEMO_START = dt.date(2024, 11, 1)
DEMO_DAYS = 730  # through 2026-10-31


@dataclass(frozen=True)
class Config:
    scale: float = DEMO_SCALE
    seed: int = 20241101
    start: dt.date = DEMO_START
    days: int = DEMO_DAYS
    # App events are the one table that would dwarf the seeds; the demo keeps a sample of them.
    event_sample: float = DEMO_EVENT_SAMPLE

    @property
    def years(self) -> float:
        return self.days / 365.0

    @property
    def end(self) -> dt.date:
        """Last day with data (inclusive)."""
        return self.start + dt.timedelta(days=self.days - 1)

    @property
    def n_leads(self) -> int:
        return max(200, round(LEADS_PER_SF_YEAR * self.scale * self.years))

    @property
    def n_members_fans(self) -> int:
        """App members who never become leads (fans, owners' friends, the curious)."""
        return max(100, round(MEMBERS_PER_SF * self.scale * 0.6))

    @property
    def n_stores(self) -> int:
        return max(12, round(STORES_PER_SF * self.scale))

    @property
    def advisors_per_store(self) -> int:
        return 3 if self.scale < 0.01 else 8

    @property
    def n_app_events(self) -> int:
        return max(1000, round(APP_EVENTS_PER_SF_YEAR * self.scale * self.years * self.event_sample))
