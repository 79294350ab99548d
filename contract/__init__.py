"""The landing contract: what every source system must send (contract.tables), where its files
land (contract.landing), and the dbt files generated from it (`python -m contract`)."""

from .tables import (
    BY_NAME,
    CDC_OP,
    CLOCK_SKEW_MINUTES,
    EARLIEST,
    LATEST,
    LOADED_AT,
    MAX_QUARANTINE_SHARE,
    MAX_REJECT_SHARE,
    MIN_BAD_ROWS,
    SYSTEMS,
    TABLES,
    Column,
    Parent,
    RawTable,
    Ref,
)

__all__ = [
    "BY_NAME",
    "CDC_OP",
    "CLOCK_SKEW_MINUTES",
    "EARLIEST",
    "LATEST",
    "LOADED_AT",
    "MAX_QUARANTINE_SHARE",
    "MAX_REJECT_SHARE",
    "MIN_BAD_ROWS",
    "SYSTEMS",
    "TABLES",
    "Column",
    "Parent",
    "RawTable",
    "Ref",
]
