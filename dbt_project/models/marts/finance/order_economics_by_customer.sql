-- One row per customer with at least one order: needs, won orders and the economics of the won
-- orders (agreed and not cancelled), with money received on all of the customer's orders.
with orders as (
    select * from {{ ref('int_orders_enriched') }}
)

select
    customer_id,
    customer_name,
    count(*) as orders_count,
    count(*) filter (where is_won) as won_orders_count,
    {{ money_sum('net', 'is_won') }} as revenue,
    {{ money_sum('planned_cost_price', 'is_won') }} as planned_cost_price,
    {{ money_sum('actual_cost_price', 'is_won') }} as actual_cost_price,
    {{ money_sum('planned_profit', 'is_won') }} as planned_profit,
    {{ money_sum('actual_profit', 'is_won') }} as actual_profit,
    {{ pct('sum(planned_profit) filter (where is_won)', 'sum(planned_cost_price) filter (where is_won)', 22) }}
        as planned_efficiency_pct,
    {{ pct('sum(actual_profit) filter (where is_won)', 'sum(actual_cost_price) filter (where is_won)', 22) }}
        as actual_efficiency_pct,
    {{ money_sum('paid_amount') }} as paid_amount,
    min(need_date) as first_need_date,
    max(need_date) as last_need_date
from orders
group by customer_id, customer_name
