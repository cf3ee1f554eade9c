-- One row per (expense category, month of agreement) over the orders won that month: planned and
-- actual expenses (actual = planned while not known, as in pricing/'s actual cost price). Same
-- orders and months as order_economics_by_month, whose cost prices include these expenses.
select
    category,
    agreed_month as month_start,
    count(distinct order_id) as orders_count,
    {{ money_sum('planned_amount') }} as planned_amount,
    {{ money_sum('actual_amount') }} as actual_amount
from {{ ref('order_expenses') }}
where is_won
group by category, agreed_month
