select
    id as line_id,
    order_id,
    line_no,
    product_id,
    material_id,
    quantity
from {{ source('app', 'order_lines') }}
