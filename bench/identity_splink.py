# ruff: noqa: E402
"""Splink (DuckDB) on the identity sample, for docs/identity.md: pip install splink, then
``python bench/identity_splink.py``. Standard comparisons, EM as Splink documents it."""

import sys
import time

import pandas as pd

sys.path[:0] = [".", "tests"]
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from tracker.identity.names import name_key
from tracker.identity.quality import pairwise

D = "tests/data/identity-sample/"
w = pd.read_csv(D + "workers.csv", dtype=str)
h = pd.read_csv(D + "households.csv", dtype=str)
w = w.merge(h, how="left", on="household_id")
toks = w.name.map(name_key)
w["first"] = toks.map(lambda t: t[0] if t else None)
w["last"] = toks.map(lambda t: t[-1] if len(t) > 1 else None)
w["full"] = toks.map(" ".join)
df = w[
    [
        "worker_id",
        "full",
        "first",
        "last",
        "birth_year",
        "gender",
        "phone",
        "eshram_uan",
        "home_district_code",
        "village",
    ]
].rename(columns={"worker_id": "unique_id"})
t0 = time.time()
settings = SettingsCreator(
    link_type="dedupe_only",
    comparisons=[
        cl.JaroWinklerAtThresholds("full", [0.95, 0.88]),
        cl.JaroWinklerAtThresholds("first", [0.92, 0.85]),
        cl.JaroWinklerAtThresholds("last", [0.92, 0.85]),
        cl.ExactMatch("birth_year"),
        cl.ExactMatch("gender"),
        cl.ExactMatch("phone"),
        cl.ExactMatch("eshram_uan"),
        cl.ExactMatch("home_district_code"),
        cl.ExactMatch("village"),
    ],
    blocking_rules_to_generate_predictions=[
        block_on("first"),
        block_on("last"),
        block_on("phone"),
        block_on("eshram_uan"),
    ],
    retain_intermediate_calculation_columns=False,
)
api = DuckDBAPI()
sdf = api.register(df)
linker = Linker(sdf, settings)
linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
for br in [block_on("first", "birth_year"), block_on("phone"), block_on("last", "gender")]:
    linker.training.estimate_parameters_using_expectation_maximisation(br)
pred = linker.inference.predict(threshold_match_probability=0.05)
cl_ = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, 0.5).as_pandas_dataframe()
print("seconds", time.time() - t0)
found = cl_.rename(columns={"unique_id": "worker_id", "cluster_id": "person_id"})[
    ["worker_id", "person_id"]
]
truth = pd.read_csv(D + "answers/persons.csv", dtype=str)
for th in [0.5, 0.9, 0.99]:
    c = (
        linker.clustering.cluster_pairwise_predictions_at_threshold(pred, th)
        .as_pandas_dataframe()
        .rename(columns={"unique_id": "worker_id", "cluster_id": "person_id"})
    )
    print(th, pairwise(c[["worker_id", "person_id"]], truth))
