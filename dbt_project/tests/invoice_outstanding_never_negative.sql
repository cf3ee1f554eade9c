-- Catches: an invoice whose outstanding amount went negative, or whose paid + outstanding -
-- overpaid does not give back the invoice amount (outstanding must be derived from payments,
-- clamped at zero, with any excess shown as overpaid).
select invoice_id, invoice_amount, paid_amount, outstanding_amount, overpaid_amount
from {{ ref('invoices') }}
where outstanding_amount < 0
    or paid_amount - overpaid_amount + outstanding_amount <> invoice_amount
