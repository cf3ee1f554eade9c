select
    id as expense_id,
    order_id,
    category,
    planned as planned_amount,
    actual as actual_amount,
    created_at
from {{ source('app', 'order_expenses') }}
