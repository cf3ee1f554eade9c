-- One row per payment received: its date and month, amount (incl. VAT), the invoice it pays and
-- the order, customer, sales manager and lead source it belongs to. Summed by payment_month it
-- gives payments_by_month.received_amount (a singular test); the pages cut it by manager,
-- source and customer.
with payments as (
    select * from {{ ref('stg_app__payments') }}
)

select
    p.payment_id,
    p.payment_date,
    {{ month_of('p.payment_date') }} as payment_month,
    cast(p.payment_amount as decimal(18,2)) as amount,
    p.invoice_id,
    i.invoice_number,
    p.order_id,
    o.order_number,
    coalesce(o.customer_id, p.customer_id) as customer_id,
    coalesce(o.customer_name, c.customer_name) as customer_name,
    o.sales_manager_id,
    o.sales_manager_name,
    o.lead_source_code
from payments as p
left join {{ ref('stg_app__invoices') }} as i on i.invoice_id = p.invoice_id
left join {{ ref('int_orders_enriched') }} as o on o.order_id = p.order_id
left join {{ ref('stg_app__customers') }} as c on c.customer_id = p.customer_id
