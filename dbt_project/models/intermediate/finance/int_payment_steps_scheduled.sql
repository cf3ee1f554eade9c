-- One row per payment step with its dates and what was invoiced and paid against it.
--   base_event_date  the order's agreed_date / actual_shipment_date / delivered_date (NULL until
--                    the event has happened)
--   due_date         base_event_date + offset_days: the payment calendar's due date
--   planned_date     due_date, else (event not yet happened) planned_shipment_date + offset_days
--                    for shipped/delivered steps: what the plan said
--   expected_date    due_date, else greatest(planned_shipment_date, as_of) + offset_days: the
--                    forecast (a shipment that is late can happen today at the earliest)
--   schedule_basis   event | planned_shipment | unscheduled (no date to plan by) | cancelled
-- Steps of cancelled orders keep their facts but expect nothing more (outstanding 0).
with invoiced as (
    select
        payment_step_id,
        sum(invoice_amount) as invoiced_amount,
        sum(paid_amount) as paid_amount,
        count(*) as invoice_count
    from {{ ref('int_invoices_paid') }}
    where payment_step_id is not null
    group by payment_step_id
),

steps as (
    select
        s.*,
        o.status as order_status,
        o.status = 'cancelled' as is_cancelled_order,
        o.planned_shipment_date,
        case s.base_event
            when 'agreed' then o.agreed_date
            when 'shipped' then o.actual_shipment_date
            when 'delivered' then o.delivered_date
        end as base_event_date
    from {{ ref('stg_app__payment_steps') }} as s
    join {{ ref('stg_app__orders') }} as o on o.order_id = s.order_id
),

dated as (
    select
        steps.*,
        cast(base_event_date + offset_days as date) as due_date,
        case
            when base_event_date is null and base_event in ('shipped', 'delivered')
                then cast(planned_shipment_date + offset_days as date)
        end as plan_from_shipment,
        -- (greatest() skips NULLs: guard, or a step without a planned date would get as_of)
        case
            when base_event_date is null and base_event in ('shipped', 'delivered')
                and planned_shipment_date is not null
                then cast(greatest(planned_shipment_date, {{ as_of_date() }}) + offset_days as date)
        end as forecast_from_shipment
    from steps
)

select
    d.payment_step_id,
    d.order_id,
    d.order_status,
    d.is_cancelled_order,
    d.step_no,
    d.step_name,
    d.step_pct,
    d.step_amount,
    d.base_event,
    d.offset_days,
    d.base_event_date,
    d.due_date,
    coalesce(d.due_date, d.plan_from_shipment) as planned_date,
    case when not d.is_cancelled_order then coalesce(d.due_date, d.forecast_from_shipment) end
        as expected_date,
    case
        when d.is_cancelled_order then 'cancelled'
        when d.due_date is not null then 'event'
        when d.forecast_from_shipment is not null then 'planned_shipment'
        else 'unscheduled'
    end as schedule_basis,
    cast(coalesce(i.invoiced_amount, 0) as decimal(18,2)) as invoiced_amount,
    cast(coalesce(i.paid_amount, 0) as decimal(18,2)) as paid_amount,
    coalesce(i.invoice_count, 0) as invoice_count
from dated as d
left join invoiced as i on i.payment_step_id = d.payment_step_id
