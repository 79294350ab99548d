-- The parsed batch of raw_app__trade_in_gifts: one row per raw row landed in the batch, every column typed by the
-- landing contract, with the row's reject reason and its quarantined values (macros/parse_raw.sql).
{{ parse_raw('raw_app__trade_in_gifts') }}
