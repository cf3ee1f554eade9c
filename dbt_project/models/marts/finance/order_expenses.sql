-- One row per (order, expense category) with any expense: planned and actual amounts, where the
-- actual amount of an expense not yet known is its planned amount (as pricing/ computes the
-- actual cost price), with the order's customer, manager, source and month of agreement. The
-- order-grain source of expenses_by_category, so the pages can cut expenses by manager, source
-- and customer.
with expenses as (
    select
        order_id,
        category,
        count(*) as expense_count,
        count(actual_amount) as actual_recorded_count,
        sum(planned_amount) as planned_amount,
        sum(coalesce(actual_amount, planned_amount)) as actual_amount
    from {{ ref('stg_app__order_expenses') }}
    group by order_id, category
)

select
    e.order_id,
    e.category,
    o.order_number,
    o.status,
    o.is_won,
    o.customer_id,
    o.customer_name,
    o.lead_source_code,
    o.sales_manager_id,
    o.sales_manager_name,
    o.agreed_date,
    o.agreed_month,
    e.expense_count,
    e.actual_recorded_count,
    {{ money('e.planned_amount') }} as planned_amount,
    {{ money('e.actual_amount') }} as actual_amount
from expenses as e
inner join {{ ref('int_orders_enriched') }} as o on o.order_id = e.order_id
