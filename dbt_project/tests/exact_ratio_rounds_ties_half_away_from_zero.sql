-- Catches money ratios and percentages rounded through DOUBLE: 5.35 / 2 must be 2.68 (binary
-- floating point gives 2.67), 0.29 / 2 -> 0.15, -5.35 / 2 -> -2.68, 1 / 3 -> 33.3 %, x / 0 -> NULL.
-- Returns a row for every case that comes out wrong.
with cases as (
    select 'money tie' as case_name, {{ ratio('5.35::DECIMAL(18,2)', '2') }} as got, 2.68 as expected
    union all select 'small tie', {{ ratio('0.29::DECIMAL(18,2)', '2') }}, 0.15
    union all select 'negative tie', {{ ratio('-5.35::DECIMAL(18,2)', '2') }}, -2.68
    union all select 'share', {{ pct('1', '3') }}, 33.3
    union all select 'share tie', {{ pct('1', '8') }}, 12.5
    union all select 'pct tie', {{ pct('1', '16') }}, 6.3
)
select * from cases where got is distinct from expected
union all
select 'zero denominator', {{ ratio('1', '0') }}, null where {{ ratio('1', '0') }} is not null
