select
    id as payment_id,
    order_id,
    invoice_id,
    customer_id,
    payment_date,
    amount as payment_amount,
    doc_no,
    source as payment_source
from {{ source('app', 'payments') }}
