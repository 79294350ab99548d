-- An engine's own to_business_time (macros/engines.sql) answers as the portable one does, on the
-- three documented shapes and on the malformed values sources send. Returns the values they disagree on.
-- A test of several models is shown in Dagster as a check on the one named here.
{{ config(meta={"dagster": {"ref": {"name": "ods_quality__rejected_rows"}}}) }}
-- depends_on: {{ ref('ods_quality__rejected_rows') }}
with source_values as (
    select v.raw_value
    from (
        values
        ('2025-01-02 10:00:00'), ('2025-01-02T10:00:00'), ('2025-1-2 3:04:05'), ('2025-01-02'),
        ('2025-01-02T02:00:00Z'), ('2025-01-02T02:00:00.5Z'), ('2025-01-02T10:00Z'), ('2025-01-02Z'),
        ('2025-01-02T10:00:00+08:00'), ('2025-01-02T10:00:00-05:30'), ('2025-01-02T10:00:00.123456+05:45'),
        ('2024-02-29T23:30:00-02:30'), ('1999-12-31 23:59:59-12:00'), ('2025-01-02 10:00:00+14:00'),
        ('2025-01-02 10:00:00-00:00'), ('2025-1-2 3:04:05+08:00'), ('2025-01-02 10:00:00+08:60'),
        ('2025-01-02 10:00:00+99:00'), ('2025-01-02 10:00:00 +08:00'), ('2025-01-02 10:00:00 Z'),
        ('2025-01-02 10:00:00+08:00Z'), ('2025-01-02 10:00:00+0800'), ('2025-01-02 10:00:00+08'),
        ('2025-01-02 10:00:00+8:00'), ('2025-01-02 10:00:00+ab:cd'), ('2025-01-02 10:00:00z'),
        ('2025-01-02 10:00:00UTC'), ('2025-13-01 10:00:00Z'), ('2025-02-29 10:00:00Z'),
        ('2025-01-02 25:00:00+08:00'), ('20250102 100000Z'), ('garbage'), ('Z'), ('+08:00'), ('')
    ) as v (raw_value)
),

parsed as (
    select
        raw_value,
        {{ to_business_time('raw_value') }} as engine_time,
        {{ default__to_business_time('raw_value') }} as portable_time
    from source_values
)

select
    raw_value,
    engine_time,
    portable_time
from parsed
where
    (engine_time is null and portable_time is not null)
    or (engine_time is not null and portable_time is null)
    or engine_time <> portable_time
