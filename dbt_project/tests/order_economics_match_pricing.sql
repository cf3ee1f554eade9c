-- Catches: order economics drifting from the pricing library's figures (dbt must never recompute
-- a price): every order's net, cost prices and profits in the mart equal order_pricing's, and
-- order net equals the sum of its priced lines' net.
with lines as (
    select order_id, sum(line_net) as lines_net
    from {{ source('pricing', 'priced_order_lines') }}
    group by order_id
)

select e.order_id
from {{ ref('order_economics') }} as e
join {{ source('pricing', 'order_pricing') }} as p on p.order_id = e.order_id
left join lines as l on l.order_id = e.order_id
where e.net is distinct from p.net
    or e.planned_cost_price is distinct from p.planned_cost_price
    or e.actual_cost_price is distinct from p.actual_cost_price
    or e.planned_profit is distinct from p.planned_profit
    or e.actual_profit is distinct from p.actual_profit
    or e.net is distinct from coalesce(l.lines_net, 0)
