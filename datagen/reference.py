"""Reference data: regions and war zones, cities, stores, advisors, vehicle series and models."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .config import Config

# region_code -> (region_name, war_zone, conversion factor of the region's stores)
REGIONS = {
    "EAST": ("华东大区", "东部战区", 1.10),
    "CENTRAL": ("华中大区", "东部战区", 0.95),
    "SOUTH": ("华南大区", "南部战区", 1.05),
    "SOUTHWEST": ("西南大区", "南部战区", 0.90),
    "NORTH": ("华北大区", "北部战区", 1.00),
    "NORTHEAST": ("东北大区", "北部战区", 0.80),
}

# city_code, city, province, tier, region
CITIES = [
    ("SH", "上海", "上海", 1, "EAST"),
    ("HZ", "杭州", "浙江", 2, "EAST"),
    ("NB", "宁波", "浙江", 2, "EAST"),
    ("NJ", "南京", "江苏", 2, "EAST"),
    ("SZH", "苏州", "江苏", 2, "EAST"),
    ("HF", "合肥", "安徽", 2, "EAST"),
    ("WH", "武汉", "湖北", 2, "CENTRAL"),
    ("CS", "长沙", "湖南", 2, "CENTRAL"),
    ("ZZ", "郑州", "河南", 2, "CENTRAL"),
    ("GZ", "广州", "广东", 1, "SOUTH"),
    ("SZ", "深圳", "广东", 1, "SOUTH"),
    ("DG", "东莞", "广东", 3, "SOUTH"),
    ("XM", "厦门", "福建", 3, "SOUTH"),
    ("FZ", "福州", "福建", 3, "SOUTH"),
    ("CD", "成都", "四川", 2, "SOUTHWEST"),
    ("CQ", "重庆", "重庆", 2, "SOUTHWEST"),
    ("KM", "昆明", "云南", 3, "SOUTHWEST"),
    ("BJ", "北京", "北京", 1, "NORTH"),
    ("TJ", "天津", "天津", 2, "NORTH"),
    ("JN", "济南", "山东", 3, "NORTH"),
    ("QD", "青岛", "山东", 3, "NORTH"),
    ("SY", "沈阳", "辽宁", 3, "NORTHEAST"),
    ("HEB", "哈尔滨", "黑龙江", 3, "NORTHEAST"),
    ("DL", "大连", "辽宁", 3, "NORTHEAST"),
]

# series_code, series_name, [(model_code, model_name, powertrain, msrp)], share of interest, launched
SERIES = [
    (
        "A5",
        "Aster A5",
        [("A5-BEV", "A5 长续航版", "BEV", 189_900), ("A5-EREV", "A5 增程版", "EREV", 179_900)],
        0.30,
        dt.date(2023, 3, 1),
    ),
    (
        "A7",
        "Aster A7",
        [("A7-BEV", "A7 性能版", "BEV", 259_900), ("A7-EREV", "A7 增程版", "EREV", 239_900)],
        0.25,
        dt.date(2023, 9, 1),
    ),
    (
        "S9",
        "Aster S9",
        [("S9-BEV", "S9 旗舰版", "BEV", 399_900), ("S9-EREV", "S9 增程版", "EREV", 369_900)],
        0.20,
        dt.date(2024, 4, 1),
    ),
    ("M3", "Aster M3", [("M3-BEV", "M3 城市版", "BEV", 129_900)], 0.25, dt.date(2024, 1, 1)),
]

COMPETITORS = {
    "Orion": ["Orion One", "Orion Max"],
    "Volta": ["Volta E3", "Volta E5"],
    "Kestrel": ["Kestrel K7"],
    "Nimbus": ["Nimbus N6", "Nimbus N8"],
    "Tessel": ["Tessel Y"],
}
OWN_BRAND = "Aster"

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
GIVEN = list("伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂")


def cities() -> pd.DataFrame:
    rows = []
    for code, name, province, tier, region in CITIES:
        region_name, war_zone, _ = REGIONS[region]
        rows.append((code, name, province, tier, region, region_name, war_zone))
    return pd.DataFrame(
        rows, columns=["city_code", "city_name", "province_name", "city_tier", "region_code", "region_name", "war_zone"]
    )


def stores(cfg: Config, rng: np.random.Generator) -> pd.DataFrame:
    city_df = cities()
    tier_weight = city_df["city_tier"].map({1: 4.0, 2: 2.5, 3: 1.2}).to_numpy()
    n = cfg.n_stores
    # Every region gets at least one store, then cities by tier weight.
    first = city_df.groupby("region_code", sort=True).head(1).index.to_numpy()
    rest = rng.choice(len(city_df), size=max(0, n - len(first)), p=tier_weight / tier_weight.sum())
    city_idx = np.concatenate([first, rest])[:n]
    store_type = np.where(rng.random(n) < 0.8, "direct", "partner")
    opened = [cfg.start - dt.timedelta(days=int(d)) for d in rng.integers(90, 1200, n)]
    closed = [None] * n
    df = pd.DataFrame(
        {
            "store_id": [f"ST{i + 1:04d}" for i in range(n)],
            "store_name": [
                f"Aster {city_df.city_name[c]}{'中心' if t == 'direct' else '授权店'}{i + 1}"
                for i, (c, t) in enumerate(zip(city_idx, store_type, strict=False))
            ],
            "store_type": store_type,
            "city_code": city_df.city_code.to_numpy()[city_idx],
            "opened_on": opened,
            "closed_on": closed,
        }
    )
    return df


def advisors(cfg: Config, store_df: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    per = cfg.advisors_per_store
    store_ids = np.repeat(store_df.store_id.to_numpy(), per)
    n = len(store_ids)
    names = [rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN) for _ in range(n)]
    hired = [cfg.start - dt.timedelta(days=int(d)) for d in rng.integers(30, 900, n)]
    return pd.DataFrame(
        {
            "advisor_id": [f"AD{i + 1:05d}" for i in range(n)],
            "advisor_name": names,
            "store_id": store_ids,
            "hired_on": hired,
            "left_on": [None] * n,
            # Not a raw column: the advisor's skill drives conversion in the simulation.
            "_skill": np.clip(rng.lognormal(0.0, 0.35, n), 0.4, 2.2),
        }
    )


def vehicle_models() -> pd.DataFrame:
    rows = []
    for code, name, models, _, launched in SERIES:
        for model_code, model_name, powertrain, msrp in models:
            rows.append((model_code, model_name, code, name, powertrain, msrp, launched))
    return pd.DataFrame(
        rows, columns=["model_code", "model_name", "series_code", "series_name", "powertrain", "msrp", "launched_on"]
    )
