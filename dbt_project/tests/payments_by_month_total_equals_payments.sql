-- Catches: a payment lost or counted twice by payments_by_month (e.g. a month missing from the
-- month spine, or a join fanning out). The mart's received total must equal the sum of every
-- payment in the store snapshot, and its payment count the number of payments.
with mart as (
    select sum(received_amount) as received, sum(payment_count) as payments
    from {{ ref('payments_by_month') }}
),

store as (
    select coalesce(sum(amount), 0) as received, count(*) as payments
    from {{ source('app', 'payments') }}
)

select mart.received as mart_received, store.received as store_received,
    mart.payments as mart_payments, store.payments as store_payments
from mart cross join store
where mart.received <> store.received or mart.payments <> store.payments
