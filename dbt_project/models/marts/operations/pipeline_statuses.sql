-- One row per order status (all eleven, in process order): how many orders are in it now and their
-- value (net), how long the orders now in it have been there, and how long a finished stay in the
-- status lasted (average and median over every completed visit).
with current_orders as (
    select
        o.status,
        count(*) as orders_count,
        sum(o.net) as orders_net,
        sum(o.total) as orders_total
    from {{ ref('int_orders_enriched') }} as o
    group by o.status
),

intervals as (
    select * from {{ ref('int_order_status_intervals') }}
    where duration_seconds is not null
),

stays as (
    select
        status,
        count(*) filter (where is_current) as current_stays_count,
        sum(duration_seconds) filter (where is_current) as current_seconds,
        count(*) filter (where not is_current) as completed_visits_count,
        sum(duration_seconds) filter (where not is_current) as completed_seconds,
        median(duration_seconds) filter (where not is_current) as completed_median_seconds
    from intervals
    group by status
)

select
    s.status,
    s.status_rank,
    s.status_name_ru,
    s.status_name_en,
    s.is_final,
    coalesce(c.orders_count, 0) as orders_count,
    {{ money('coalesce(c.orders_net, 0)') }} as orders_net,
    {{ money('coalesce(c.orders_total, 0)') }} as orders_total,
    {{ ratio('st.current_seconds', 'st.current_stays_count * 86400', 2) }}
        as avg_days_in_status_now,
    coalesce(st.completed_visits_count, 0) as completed_visits_count,
    {{ ratio('st.completed_seconds', 'st.completed_visits_count * 86400', 2) }}
        as avg_days_per_visit,
    {{ ratio('st.completed_median_seconds', 86400, 2) }} as median_days_per_visit
from {{ order_statuses() }} as s
left join current_orders as c on c.status = s.status
left join stays as st on st.status = s.status
