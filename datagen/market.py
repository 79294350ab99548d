"""Market registrations for the sand table: our deliveries plus competitors by city and month."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import reference
from . import timeline as tl
from .config import Config


def registrations(cfg: Config, rng: np.random.Generator, deliveries_by_city: pd.DataFrame) -> pd.DataFrame:
    """deliveries_by_city: month (date), city_code, series_name, units (our deliveries)."""
    months = pd.period_range(cfg.start, cfg.end, freq="M")
    cities = reference.cities()
    tier_size = cities.city_tier.map({1: 3.0, 2: 1.8, 3: 1.0}).to_numpy()
    rows = []
    own_scale = max(1.0, deliveries_by_city.units.sum() / max(1, len(months) * len(cities)))
    for brand, series_list in reference.COMPETITORS.items():
        brand_scale = rng.uniform(1.5, 6.0)
        for series_name in series_list:
            for _mi, m in enumerate(months):
                season = tl.MONTH_FACTOR[m.month - 1]
                units = rng.poisson(own_scale * brand_scale * tier_size * season)
                rows.append(
                    pd.DataFrame(
                        {
                            "registration_month": m.to_timestamp().date(),
                            "city_code": cities.city_code,
                            "brand": brand,
                            "series_name": series_name,
                            "is_own_brand": False,
                            "registrations": units,
                        }
                    )
                )
    # Registrations of our cars follow deliveries, a few lag into the next month.
    own = deliveries_by_city.copy()
    own["registrations"] = np.maximum(0, own.units + rng.integers(-1, 2, len(own)))
    own = own.rename(columns={"month": "registration_month"}).drop(columns="units")
    own["brand"] = reference.OWN_BRAND
    own["is_own_brand"] = True
    out = pd.concat(rows + [own], ignore_index=True)
    return out.sort_values(["registration_month", "city_code", "brand", "series_name"], kind="stable").reset_index(
        drop=True
    )
