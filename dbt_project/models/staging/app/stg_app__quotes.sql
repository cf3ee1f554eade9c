select
    id as quote_id,
    order_id,
    number as quote_number,
    version as quote_version,
    issued_at,
    cast(issued_at as date) as issued_date,
    issued_by as issued_by_user_id,
    valid_until,
    vat_rate,
    net as quote_net,
    vat as quote_vat,
    total as quote_total
from {{ source('app', 'quotes') }}
