-- One row per invoice with the payments linked to it by invoice_id (paid is derived from the
-- payments, never typed in).
with paid as (
    select
        invoice_id,
        sum(payment_amount) as paid_amount,
        count(*) as payment_count,
        min(payment_date) as first_payment_date,
        max(payment_date) as last_payment_date
    from {{ ref('stg_app__payments') }}
    where invoice_id is not null
    group by invoice_id
)

select
    i.invoice_id,
    i.invoice_number,
    i.order_id,
    i.payment_step_id,
    i.issue_date,
    i.due_date,
    i.invoice_amount,
    i.invoice_vat_amount,
    cast(coalesce(p.paid_amount, 0) as decimal(18,2)) as paid_amount,
    coalesce(p.payment_count, 0) as payment_count,
    p.first_payment_date,
    p.last_payment_date
from {{ ref('stg_app__invoices') }} as i
left join paid as p on p.invoice_id = i.invoice_id
