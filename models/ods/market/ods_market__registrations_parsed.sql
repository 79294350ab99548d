-- The parsed batch of raw_market__registrations: one row per raw row landed in the batch, every column typed by the
-- landing contract, with the row's reject reason and its quarantined values (macros/parse_raw.sql).
{{ parse_raw('raw_market__registrations') }}
