select
    id as payment_step_id,
    order_id,
    step_no,
    name as step_name,
    pct as step_pct,
    amount as step_amount,
    base_event,
    offset_days
from {{ source('app', 'payment_steps') }}
