"""People: one real person behind every customer record, with a phone and an id per source system.

Each system knows the person under its own id (CRM customer, order-system customer, APP member,
after-sales customer); only the phone (typed differently in every system) ties them together,
which is what the warehouse's OneID has to recover.
"""

from __future__ import annotations

import numpy as np

MOBILE_PREFIXES = np.array([135, 136, 137, 138, 139, 150, 151, 152, 157, 158, 159, 177, 186, 187, 188, 189, 199])


def phones(rng: np.random.Generator, n: int) -> np.ndarray:
    """n distinct 11-digit mainland mobile numbers as strings."""
    prefix = rng.choice(MOBILE_PREFIXES, size=n)
    # Distinct subscriber parts: a random sample without replacement of the 10^8 space.
    subscriber = rng.choice(100_000_000, size=n, replace=False)
    return np.char.add(prefix.astype(str), np.char.zfill(subscriber.astype(str), 8))


def system_ids(rng: np.random.Generator, n: int, prefix: str, width: int) -> np.ndarray:
    """A shuffled id per person so that ids in different systems share no pattern."""
    perm = rng.permutation(n) + 1
    return np.char.add(prefix, np.char.zfill(perm.astype(str), width))
