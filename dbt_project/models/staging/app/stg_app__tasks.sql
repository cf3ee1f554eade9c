select
    id as task_id,
    order_id,
    event_id as status_event_id,
    rule_key,
    assignee_id as assignee_user_id,
    role,
    title as task_title,
    due_date,
    state as task_state,
    created_at,
    closed_at
from {{ source('app', 'tasks') }}
