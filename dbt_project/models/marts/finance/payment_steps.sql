-- One row per payment step of an order's payment calendar: its planned, due and expected dates,
-- what was invoiced and paid against it, and what is still outstanding on the as_of day.
with steps as (
    select
        *,
        cast(
            case when is_cancelled_order then 0 else greatest(step_amount - paid_amount, 0) end
            as decimal(18,2)
        ) as outstanding_amount
    from {{ ref('int_payment_steps_scheduled') }}
)

select
    s.payment_step_id,
    s.order_id,
    o.order_number,
    s.order_status,
    o.customer_id,
    o.customer_name,
    o.sales_manager_id,
    s.step_no,
    s.step_name,
    s.step_pct,
    s.step_amount,
    s.base_event,
    s.offset_days,
    s.base_event_date,
    s.due_date,
    s.planned_date,
    s.expected_date,
    s.schedule_basis,
    s.invoice_count,
    s.invoiced_amount,
    s.paid_amount,
    s.outstanding_amount,
    case
        when s.paid_amount >= s.step_amount then 'paid'
        when s.paid_amount > 0 then 'partly_paid'
        else 'unpaid'
    end as payment_status,
    coalesce(s.expected_date < {{ as_of_date() }} and s.outstanding_amount > 0, false)
        as is_overdue
from steps as s
left join {{ ref('int_orders_enriched') }} as o on o.order_id = s.order_id
