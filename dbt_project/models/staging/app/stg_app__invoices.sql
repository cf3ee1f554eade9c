select
    id as invoice_id,
    number as invoice_number,
    order_id,
    payment_step_id,
    issue_date,
    due_date,
    amount as invoice_amount,
    vat_amount as invoice_vat_amount
from {{ source('app', 'invoices') }}
