select
    id as status_event_id,
    order_id,
    from_status,
    to_status,
    changed_at,
    changed_by as changed_by_user_id
from {{ source('app', 'status_events') }}
