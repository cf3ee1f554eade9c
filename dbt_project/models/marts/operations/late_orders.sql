-- One row per late order (not cancelled, with a planned shipment date), where late means
--   not_shipped:  not shipped yet and the planned shipment date is before the as_of day, or
--   shipped_late: shipped after the planned shipment date.
-- days_late = (actual shipment date, or the as_of day while not shipped) - planned shipment date.
with orders as (
    select * from {{ ref('int_orders_enriched') }}
    where planned_shipment_date is not null and not is_cancelled
)

select
    order_id,
    order_number,
    status,
    customer_id,
    customer_name,
    sales_manager_id,
    sales_manager_name,
    agreed_date,
    planned_shipment_date,
    actual_shipment_date,
    case when actual_shipment_date is null then 'not_shipped' else 'shipped_late' end as lateness,
    coalesce(actual_shipment_date, {{ as_of_date() }}) - planned_shipment_date as days_late,
    {{ month_of('planned_shipment_date') }} as planned_shipment_month,
    net
from orders
where (actual_shipment_date is null and planned_shipment_date < {{ as_of_date() }})
    or actual_shipment_date > planned_shipment_date
