-- One row per invoice: paid and outstanding derived from the payments linked by invoice_id, the
-- payment status and whether it is overdue on the as_of day.
with invoices as (
    select
        *,
        cast(greatest(invoice_amount - paid_amount, 0) as decimal(18,2)) as outstanding_amount,
        cast(greatest(paid_amount - invoice_amount, 0) as decimal(18,2)) as overpaid_amount,
        case
            when paid_amount >= invoice_amount then 'paid'
            when paid_amount > 0 then 'partly_paid'
            else 'unpaid'
        end as payment_status
    from {{ ref('int_invoices_paid') }}
),

flagged as (
    select
        *,
        due_date < {{ as_of_date() }} and outstanding_amount > 0 as is_overdue
    from invoices
)

select
    i.invoice_id,
    i.invoice_number,
    i.order_id,
    o.order_number,
    o.status as order_status,
    o.customer_id,
    o.customer_name,
    o.sales_manager_id,
    o.sales_manager_name,
    i.payment_step_id,
    i.issue_date,
    i.due_date,
    {{ month_of('i.issue_date') }} as issue_month,
    {{ month_of('i.due_date') }} as due_month,
    i.invoice_amount,
    i.invoice_vat_amount,
    i.paid_amount,
    i.outstanding_amount,
    i.overpaid_amount,
    i.payment_count,
    i.first_payment_date,
    i.last_payment_date,
    i.payment_status,
    i.is_overdue,
    case when i.is_overdue then {{ as_of_date() }} - i.due_date else 0 end as days_overdue,
    case when i.is_overdue then 'overdue' else i.payment_status end as collection_status
from flagged as i
left join {{ ref('int_orders_enriched') }} as o on o.order_id = i.order_id
