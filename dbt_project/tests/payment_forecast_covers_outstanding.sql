-- Catches: outstanding payment-calendar amounts that fall out of the forecast: the forecast summed
-- over all months must equal the outstanding of every scheduled (event or planned_shipment) step
-- in payment_steps.
with mart as (
    select coalesce(sum(forecast_amount), 0) as forecast from {{ ref('payments_by_month') }}
),

steps as (
    select coalesce(sum(outstanding_amount), 0) as outstanding
    from {{ ref('payment_steps') }}
    where schedule_basis in ('event', 'planned_shipment')
)

select mart.forecast, steps.outstanding
from mart cross join steps
where mart.forecast <> steps.outstanding
