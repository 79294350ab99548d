"""Deterministic generator of the raw source-system data of an NEV direct-sales maker.

`python -m datagen --help` for the command line; `datagen.tables.generate(config)` for the API.
"""
