-- Catches: gaps or overlaps in the status timeline: for every order that is not in a final
-- status, the time summed over its statuses must equal the time from its first status event to
-- the end of the as_of day (every second belongs to exactly one status).
with orders as (
    select order_id, min(entered_at) as first_event_at
    from {{ ref('int_order_status_intervals') }}
    group by order_id
    having not bool_or(status in ('closed', 'cancelled'))
),

spent as (
    select order_id, sum(seconds_in_status) as seconds
    from {{ ref('order_status_durations') }}
    group by order_id
)

select o.order_id, s.seconds, date_diff('second', o.first_event_at, {{ as_of_end() }}) as lifetime
from orders as o
left join spent as s on s.order_id = o.order_id
where o.first_event_at <= {{ as_of_end() }}
    and s.seconds is distinct from date_diff('second', o.first_event_at, {{ as_of_end() }})
