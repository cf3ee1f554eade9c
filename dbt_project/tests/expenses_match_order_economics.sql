-- Catches: order_expenses disagreeing with pricing/'s expenses (an expense lost, counted twice,
-- or its actual not defaulting to planned like pricing does). Per order, the sum over categories
-- must equal order_economics' expenses_planned / expenses_actual.
with per_order as (
    select order_id, sum(planned_amount) as planned, sum(actual_amount) as actual
    from {{ ref('order_expenses') }}
    group by order_id
)

select e.order_id, e.expenses_planned, p.planned, e.expenses_actual, p.actual
from {{ ref('order_economics') }} as e
left join per_order as p on p.order_id = e.order_id
where coalesce(e.expenses_planned, 0) <> coalesce(p.planned, 0)
    or coalesce(e.expenses_actual, 0) <> coalesce(p.actual, 0)
