"""After-sales: service tickets and customer reviews from the fleet of delivered cars."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import timeline as tl
from .config import Config

# ticket type -> tickets per car and year
TICKET_RATES = {"MAINT": 1.6, "RESCUE": 0.05, "COMPLAINT": 0.12, "SUGGESTION": 0.08, "ACCIDENT_EST": 0.10}


def service_tickets(cfg: Config, rng: np.random.Generator, fleet: pd.DataFrame) -> pd.DataFrame:
    """fleet: one row per car with person, vin, store_id, delivered_at (may precede the window)."""
    end = tl.end_ts(cfg)
    start = np.datetime64(cfg.start, "D").astype("datetime64[s]")
    lo = np.maximum(fleet.delivered_at.to_numpy().astype("datetime64[s]"), start)
    years = np.maximum((end - lo).astype(np.int64), 0) / (365 * 86400)
    parts = []
    for ticket_type, rate in TICKET_RATES.items():
        n = rng.poisson(rate * years)
        car = np.repeat(np.arange(len(fleet)), n)
        ts = lo[car] + (rng.random(len(car)) * (end - lo[car]).astype(np.int64)).astype(np.int64) * tl.SECOND
        parts.append(pd.DataFrame({"_car": car, "ticket_type": ticket_type, "created_at": ts}))
    t = pd.concat(parts, ignore_index=True).sort_values(["created_at", "_car"], kind="stable").reset_index(drop=True)
    n = len(t)
    handled = rng.random(n) < 0.92
    handled_at = tl.after(rng, t.created_at.to_numpy(), 0.05, 3)
    handled &= handled_at < end
    closed = handled & (rng.random(n) < 0.6)
    car = t._car.to_numpy()
    return pd.DataFrame(
        {
            "ticket_id": np.char.add("TK", np.char.zfill((np.arange(n) + 1).astype(str), 8)),
            "_person": fleet.person.to_numpy()[car],
            "vin": fleet.vin.to_numpy()[car],
            "store_id": fleet.store_id.to_numpy()[car],
            "ticket_type": t.ticket_type.to_numpy(),
            "ticket_status": np.where(closed, "CLOSED", np.where(handled, "HANDLED", "OPEN")),
            "created_at": t.created_at.to_numpy(),
            "handled_at": np.where(handled, handled_at, np.datetime64("NaT")),
        }
    )


def customer_reviews(
    cfg: Config, rng: np.random.Generator, fleet: pd.DataFrame, tickets: pd.DataFrame, store_quality: pd.Series
) -> pd.DataFrame:
    """Reviews after most deliveries in the window and after some handled tickets."""
    end = tl.end_ts(cfg)
    start = np.datetime64(cfg.start, "D").astype("datetime64[s]")
    d_at = fleet.delivered_at.to_numpy().astype("datetime64[s]")
    after_delivery = (d_at >= start) & (rng.random(len(fleet)) < 0.6)
    ticket_done = tickets.handled_at.notna().to_numpy() & (rng.random(len(tickets)) < 0.2)
    reviews = pd.concat(
        [
            pd.DataFrame(
                {
                    "_person": fleet.person.to_numpy()[after_delivery],
                    "store_id": fleet.store_id.to_numpy()[after_delivery],
                    "reviewed_at": tl.after(rng, d_at[after_delivery], 1, 7),
                }
            ),
            pd.DataFrame(
                {
                    "_person": tickets._person.to_numpy()[ticket_done],
                    "store_id": tickets.store_id.to_numpy()[ticket_done],
                    "reviewed_at": tl.after(
                        rng, tickets.handled_at.to_numpy()[ticket_done].astype("datetime64[s]"), 0.1, 3
                    ),
                }
            ),
        ],
        ignore_index=True,
    )
    reviews = (
        reviews[reviews.reviewed_at < end].sort_values(["reviewed_at", "_person"], kind="stable").reset_index(drop=True)
    )
    n = len(reviews)
    q = store_quality.reindex(reviews.store_id).to_numpy()
    rating = np.clip(np.round(rng.normal(3.6 + q, 0.9, n)), 1, 5).astype(int)
    recommend = np.where(rng.random(n) < 0.9, rating >= 4, rating < 4)
    reviews.insert(0, "review_id", np.char.add("RV", np.char.zfill((np.arange(n) + 1).astype(str), 8)))
    reviews["rating"] = rating
    reviews["would_recommend"] = np.where(rng.random(n) < 0.1, None, recommend).astype(object)
    return reviews
