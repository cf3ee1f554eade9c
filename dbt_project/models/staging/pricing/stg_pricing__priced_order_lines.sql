select
    cast(line_id as bigint) as line_id,
    cast(order_id as bigint) as order_id,
    cast(line_no as integer) as line_no,
    cast(material_id as bigint) as material_id,
    cast(quantity as integer) as quantity,
    cast(price_per_kg as decimal(18,2)) as price_per_kg,
    cast(vat_rate as decimal(6,4)) as vat_rate,
    cast(unit_weight_kg as decimal(18,3)) as unit_weight_kg,
    cast(line_weight_kg as decimal(18,3)) as line_weight_kg,
    cast(material_cost_unit as decimal(18,2)) as material_cost_unit,
    cast(unit_price_net as decimal(18,2)) as unit_price_net,
    cast(line_net as decimal(18,2)) as line_net,
    cast(line_vat as decimal(18,2)) as line_vat,
    cast(line_total as decimal(18,2)) as line_total,
    cast(planned_cost as decimal(18,2)) as planned_cost,
    cast(actual_cost as decimal(18,2)) as actual_cost
from {{ source('pricing', 'priced_order_lines') }}
