-- One row per (order, non-final status the order has been in): how many times the order entered
-- the status and the total time it spent there. The current status counts until the end of the
-- as_of day. closed and cancelled are final and have no duration, so they have no row.
with intervals as (
    select * from {{ ref('int_order_status_intervals') }}
    where duration_seconds is not null
)

select
    i.order_id,
    i.status,
    s.status_rank,
    o.order_number,
    o.status as order_status,
    o.sales_manager_id,
    count(*) as visits_count,
    min(i.entered_at) as first_entered_at,
    max(i.left_at) as last_left_at,
    bool_or(i.is_current) as is_current,
    cast(sum(i.duration_seconds) as bigint) as seconds_in_status,
    {{ ratio('sum(i.duration_seconds)', 86400, 2) }} as days_in_status
from intervals as i
join {{ order_statuses() }} as s on s.status = i.status
left join {{ ref('int_orders_enriched') }} as o on o.order_id = i.order_id
group by i.order_id, i.status, s.status_rank, o.order_number, o.status, o.sales_manager_id
