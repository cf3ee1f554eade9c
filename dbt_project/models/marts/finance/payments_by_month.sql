-- One row per calendar month, from the first month with a payment, invoice or planned step to the
-- later of the last such month and the end of the forecast horizon:
--   received   payments by payment_date (all payments, whatever they are linked to)
--   planned    payment-calendar steps by planned_date (not cancelled orders)
--   invoiced   invoices by issue_date
--   forecast   (as_of month and later) what is still outstanding on the steps, by expected_date;
--              outstanding from before the as_of month is carried into the as_of month
with as_of as (
    select
        {{ as_of_date() }} as as_of_date,
        {{ month_of(as_of_date()) }} as as_of_month
),

received as (
    select
        {{ month_of('payment_date') }} as month_start,
        sum(payment_amount) as received_amount,
        count(*) as payment_count
    from {{ ref('stg_app__payments') }}
    group by 1
),

planned as (
    select
        {{ month_of('planned_date') }} as month_start,
        sum(step_amount) as planned_amount,
        count(*) as planned_step_count
    from {{ ref('int_payment_steps_scheduled') }}
    where not is_cancelled_order and planned_date is not null
    group by 1
),

invoiced as (
    select
        {{ month_of('issue_date') }} as month_start,
        sum(invoice_amount) as invoiced_amount,
        count(*) as invoice_count
    from {{ ref('stg_app__invoices') }}
    group by 1
),

open_steps as (
    select
        {{ month_of('s.expected_date') }} as expected_month,
        greatest(s.step_amount - s.paid_amount, 0) as outstanding_amount
    from {{ ref('int_payment_steps_scheduled') }} as s
    where s.expected_date is not null and s.step_amount > s.paid_amount
),

forecast as (
    select
        greatest(s.expected_month, a.as_of_month) as month_start,
        sum(s.outstanding_amount) as forecast_amount,
        sum(s.outstanding_amount) filter (where s.expected_month < a.as_of_month)
            as overdue_carried_amount
    from open_steps as s
    cross join as_of as a
    group by 1
),

bounds as (
    select
        least(min(m.month_start), any_value(a.as_of_month)) as first_month,
        greatest(
            max(m.month_start),
            cast(any_value(a.as_of_month) + to_months({{ var('forecast_months') }}) as date)
        ) as last_month
    from (
        select month_start from received
        union all select month_start from planned
        union all select month_start from invoiced
        union all select month_start from forecast
    ) as m
    cross join as_of as a
),

months as (
    select cast(gs.generate_series as date) as month_start
    from bounds as b,
        generate_series(
            cast(b.first_month as timestamp), cast(b.last_month as timestamp), interval 1 month
        ) as gs
)

select
    m.month_start,
    case
        when m.month_start < a.as_of_month then 'past'
        when m.month_start = a.as_of_month then 'current'
        else 'future'
    end as period,
    m.month_start >= a.as_of_month
        and m.month_start <= cast(a.as_of_month + to_months({{ var('forecast_months') }}) as date)
        as is_forecast_horizon,
    {{ money('coalesce(r.received_amount, 0)') }} as received_amount,
    coalesce(r.payment_count, 0) as payment_count,
    {{ money('coalesce(p.planned_amount, 0)') }} as planned_amount,
    coalesce(p.planned_step_count, 0) as planned_step_count,
    {{ money('coalesce(r.received_amount, 0) - coalesce(p.planned_amount, 0)') }}
        as received_minus_planned,
    {{ pct('r.received_amount', 'p.planned_amount') }} as received_vs_planned_pct,
    {{ money('coalesce(i.invoiced_amount, 0)') }} as invoiced_amount,
    coalesce(i.invoice_count, 0) as invoice_count,
    case when m.month_start >= a.as_of_month
        then {{ money('coalesce(f.forecast_amount, 0)') }} end as forecast_amount,
    case when m.month_start = a.as_of_month
        then {{ money('coalesce(f.overdue_carried_amount, 0)') }} end as overdue_carried_amount,
    case when m.month_start >= a.as_of_month
        then {{ money('coalesce(r.received_amount, 0) + coalesce(f.forecast_amount, 0)') }}
    end as expected_total_amount
from months as m
cross join as_of as a
left join received as r on r.month_start = m.month_start
left join planned as p on p.month_start = m.month_start
left join invoiced as i on i.month_start = m.month_start
left join forecast as f on f.month_start = m.month_start
