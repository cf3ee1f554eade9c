-- One row per status change: how long the order stayed in the status it entered. A status lasts
-- until the order's next change (ordered by changed_at, then event id); the current status lasts
-- until the end of the as_of day. closed and cancelled are final: they have no duration.
with ordered as (
    select
        status_event_id,
        order_id,
        to_status as status,
        changed_at as entered_at,
        lead(changed_at) over (
            partition by order_id order by changed_at, status_event_id
        ) as next_changed_at,
        row_number() over (
            partition by order_id order by changed_at, status_event_id
        ) as visit_no
    from {{ ref('stg_app__status_events') }}
)

select
    status_event_id,
    order_id,
    status,
    visit_no,
    entered_at,
    case
        when status in ('closed', 'cancelled') then null
        else coalesce(next_changed_at, greatest({{ as_of_end() }}, entered_at))
    end as left_at,
    next_changed_at is null as is_current,
    case
        when status in ('closed', 'cancelled') then null
        else date_diff(
            'second', entered_at,
            coalesce(next_changed_at, greatest({{ as_of_end() }}, entered_at))
        )
    end as duration_seconds
from ordered
