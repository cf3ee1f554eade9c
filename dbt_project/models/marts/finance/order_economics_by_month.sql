-- One row per month of agreement (agreed_date) with at least one won order: the economics of the
-- orders won that month (agreed and not cancelled). Efficiency = sum of profit over sum of cost
-- price (not an average of the orders' percentages).
with won as (
    select * from {{ ref('int_orders_enriched') }}
    where is_won
)

select
    agreed_month as month_start,
    count(*) as won_orders_count,
    {{ money_sum('net') }} as revenue,
    {{ money_sum('total') }} as revenue_incl_vat,
    {{ money_sum('planned_cost_price') }} as planned_cost_price,
    {{ money_sum('actual_cost_price') }} as actual_cost_price,
    {{ money_sum('planned_profit') }} as planned_profit,
    {{ money_sum('actual_profit') }} as actual_profit,
    {{ pct('sum(planned_profit)', 'sum(planned_cost_price)', 22) }} as planned_efficiency_pct,
    {{ pct('sum(actual_profit)', 'sum(actual_cost_price)', 22) }} as actual_efficiency_pct,
    {{ pct('sum(actual_profit)', 'sum(net)') }} as actual_margin_pct,
    {{ money_sum('paid_amount') }} as paid_amount
from won
group by agreed_month
