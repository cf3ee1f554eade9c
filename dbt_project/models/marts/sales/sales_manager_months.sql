-- One row per (sales manager, calendar month) in which the manager had any activity:
--   orders        orders the manager is responsible for, by need_date month, and their positions
--   quotes        quotes (КП) the manager issued, by issue month (count, net and total amounts)
--   conversion    orders the manager first quoted that month, and how many of them were won
--                 (agreed and not cancelled, at any later date)
--   won           the manager's orders won, by agreed_date month: count, revenue, profit
--   payments      payments received (by payment month) on orders that have at least one quote
--                 issued by the manager; and on the orders the manager is responsible for
with orders as (
    select * from {{ ref('int_orders_enriched') }}
),

quoted_orders as (
    select * from {{ ref('int_manager_quoted_orders') }}
),

payments as (
    select * from {{ ref('stg_app__payments') }}
    where order_id is not null
),

recorded as (
    select
        sales_manager_id,
        need_month as month_start,
        count(*) as orders_count,
        cast(sum(line_count) as bigint) as positions_count
    from orders
    where sales_manager_id is not null
    group by 1, 2
),

issued as (
    select
        issued_by_user_id as sales_manager_id,
        {{ month_of('issued_at') }} as month_start,
        count(*) as quotes_issued_count,
        sum(quote_net) as quotes_issued_net,
        sum(quote_total) as quotes_issued_total
    from {{ ref('stg_app__quotes') }}
    where issued_by_user_id is not null
    group by 1, 2
),

conversion as (
    select
        q.sales_manager_id,
        q.first_quote_month as month_start,
        count(*) as quoted_orders_count,
        count(*) filter (where o.is_won) as quoted_orders_won_count
    from quoted_orders as q
    join orders as o on o.order_id = q.order_id
    group by 1, 2
),

won as (
    select
        sales_manager_id,
        agreed_month as month_start,
        count(*) as won_orders_count,
        sum(net) as revenue,
        sum(planned_profit) as planned_profit,
        sum(actual_profit) as actual_profit
    from orders
    where is_won and sales_manager_id is not null
    group by 1, 2
),

paid_quoted as (
    select
        q.sales_manager_id,
        {{ month_of('p.payment_date') }} as month_start,
        sum(p.payment_amount) as payments_on_quoted_orders
    from payments as p
    join quoted_orders as q on q.order_id = p.order_id
    group by 1, 2
),

paid_own as (
    select
        o.sales_manager_id,
        {{ month_of('p.payment_date') }} as month_start,
        sum(p.payment_amount) as payments_on_own_orders
    from payments as p
    join orders as o on o.order_id = p.order_id
    where o.sales_manager_id is not null
    group by 1, 2
),

keys as (
    select sales_manager_id, month_start from recorded
    union select sales_manager_id, month_start from issued
    union select sales_manager_id, month_start from conversion
    union select sales_manager_id, month_start from won
    union select sales_manager_id, month_start from paid_quoted
    union select sales_manager_id, month_start from paid_own
)

select
    k.sales_manager_id,
    k.month_start,
    u.full_name as sales_manager_name,
    coalesce(r.orders_count, 0) as orders_count,
    coalesce(r.positions_count, 0) as positions_count,
    {{ ratio('r.positions_count', 'r.orders_count', 2) }} as positions_per_order,
    coalesce(i.quotes_issued_count, 0) as quotes_issued_count,
    {{ money('coalesce(i.quotes_issued_net, 0)') }} as quotes_issued_net,
    {{ money('coalesce(i.quotes_issued_total, 0)') }} as quotes_issued_total,
    coalesce(c.quoted_orders_count, 0) as quoted_orders_count,
    coalesce(c.quoted_orders_won_count, 0) as quoted_orders_won_count,
    {{ pct('c.quoted_orders_won_count', 'c.quoted_orders_count') }} as quote_to_agreed_pct,
    coalesce(w.won_orders_count, 0) as won_orders_count,
    {{ money('coalesce(w.revenue, 0)') }} as revenue,
    {{ money('coalesce(w.planned_profit, 0)') }} as planned_profit,
    {{ money('coalesce(w.actual_profit, 0)') }} as actual_profit,
    {{ money('coalesce(pq.payments_on_quoted_orders, 0)') }} as payments_on_quoted_orders,
    {{ money('coalesce(po.payments_on_own_orders, 0)') }} as payments_on_own_orders
from keys as k
left join {{ ref('stg_app__users') }} as u on u.user_id = k.sales_manager_id
left join recorded as r using (sales_manager_id, month_start)
left join issued as i using (sales_manager_id, month_start)
left join conversion as c using (sales_manager_id, month_start)
left join won as w using (sales_manager_id, month_start)
left join paid_quoted as pq using (sales_manager_id, month_start)
left join paid_own as po using (sales_manager_id, month_start)
