-- One row: the reference day the marts were built for, and the forecast horizon.
select
    {{ as_of_date() }} as as_of_date,
    {{ month_of(as_of_date()) }} as as_of_month,
    cast({{ month_of(as_of_date()) }} + to_months({{ var('forecast_months') }}) as date)
        as forecast_end_month
