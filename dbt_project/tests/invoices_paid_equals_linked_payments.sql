-- Catches: the invoices mart disagreeing with the store on what was paid: the sum of paid_amount
-- over all invoices must equal the sum of payments that carry an invoice_id.
with mart as (
    select coalesce(sum(paid_amount), 0) as paid from {{ ref('invoices') }}
),

store as (
    select coalesce(sum(amount), 0) as paid
    from {{ source('app', 'payments') }}
    where invoice_id is not null
)

select mart.paid as mart_paid, store.paid as store_paid
from mart cross join store
where mart.paid <> store.paid
