-- Catches: the payments mart losing, duplicating (a join fanning out) or misdating a payment.
-- Summed by payment_month it must equal payments_by_month's received amount and count in every
-- month.
with by_month as (
    select payment_month as month_start, sum(amount) as received, count(*) as payments
    from {{ ref('payments') }}
    group by payment_month
)

select m.month_start, m.received_amount, b.received, m.payment_count, b.payments
from {{ ref('payments_by_month') }} as m
full outer join by_month as b on b.month_start = m.month_start
where coalesce(m.received_amount, 0) <> coalesce(b.received, 0)
    or coalesce(m.payment_count, 0) <> coalesce(b.payments, 0)
