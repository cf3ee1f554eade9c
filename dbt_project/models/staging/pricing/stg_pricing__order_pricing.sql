select
    cast(order_id as bigint) as order_id,
    cast(net as decimal(18,2)) as net,
    cast(vat as decimal(18,2)) as vat,
    cast(total as decimal(18,2)) as total,
    cast(weight_kg as decimal(18,3)) as weight_kg,
    cast(expenses_planned as decimal(18,2)) as expenses_planned,
    cast(expenses_actual as decimal(18,2)) as expenses_actual,
    cast(planned_cost_price as decimal(18,2)) as planned_cost_price,
    cast(actual_cost_price as decimal(18,2)) as actual_cost_price,
    cast(planned_profit as decimal(18,2)) as planned_profit,
    cast(actual_profit as decimal(18,2)) as actual_profit,
    cast(planned_efficiency_pct as decimal(22,1)) as planned_efficiency_pct,
    cast(actual_efficiency_pct as decimal(22,1)) as actual_efficiency_pct
from {{ source('pricing', 'order_pricing') }}
