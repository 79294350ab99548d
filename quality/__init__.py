"""Data quality with Great Expectations on the DuckDB warehouse. `python -m quality --help`."""
