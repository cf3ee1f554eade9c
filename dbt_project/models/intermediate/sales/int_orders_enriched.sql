-- One row per order: the header with its customer, lead source and sales manager, the line count,
-- quote count, money received, and the totals and economics computed by pricing/ (NULL for an
-- order with neither lines nor expenses). "Won" = reached agreement and not cancelled.
with lines as (
    select order_id, count(*) as line_count
    from {{ ref('stg_app__order_lines') }}
    group by order_id
),

quotes as (
    select order_id, count(*) as quote_count, min(issued_at) as first_quote_at
    from {{ ref('stg_app__quotes') }}
    group by order_id
),

paid as (
    select order_id, sum(payment_amount) as paid_amount, count(*) as payment_count
    from {{ ref('stg_app__payments') }}
    where order_id is not null
    group by order_id
)

select
    o.order_id,
    o.order_number,
    o.status,
    o.customer_id,
    c.customer_name,
    o.lead_source_id,
    ls.lead_source_code,
    ls.lead_source_name,
    o.sales_manager_id,
    u.full_name as sales_manager_name,
    o.need_date,
    o.quote_sent_date,
    o.agreed_date,
    o.planned_shipment_date,
    o.actual_shipment_date,
    o.delivered_date,
    o.closed_date,
    o.cancelled_date,
    {{ month_of('o.need_date') }} as need_month,
    {{ month_of('o.agreed_date') }} as agreed_month,
    o.status = 'cancelled' as is_cancelled,
    o.agreed_date is not null and o.status <> 'cancelled' as is_won,
    o.status not in ('closed', 'cancelled') as is_open,
    coalesce(l.line_count, 0) as line_count,
    coalesce(q.quote_count, 0) as quote_count,
    q.first_quote_at,
    cast(coalesce(p.paid_amount, 0) as decimal(18,2)) as paid_amount,
    coalesce(p.payment_count, 0) as payment_count,
    pr.net,
    pr.vat,
    pr.total,
    pr.weight_kg,
    pr.expenses_planned,
    pr.expenses_actual,
    pr.planned_cost_price,
    pr.actual_cost_price,
    pr.planned_profit,
    pr.actual_profit,
    pr.planned_efficiency_pct,
    pr.actual_efficiency_pct
from {{ ref('stg_app__orders') }} as o
left join {{ ref('stg_app__customers') }} as c on c.customer_id = o.customer_id
left join {{ ref('stg_app__lead_sources') }} as ls on ls.lead_source_id = o.lead_source_id
left join {{ ref('stg_app__users') }} as u on u.user_id = o.sales_manager_id
left join lines as l on l.order_id = o.order_id
left join quotes as q on q.order_id = o.order_id
left join paid as p on p.order_id = o.order_id
left join {{ ref('stg_pricing__order_pricing') }} as pr on pr.order_id = o.order_id
