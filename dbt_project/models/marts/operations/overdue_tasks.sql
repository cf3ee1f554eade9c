-- One row per overdue task: open, with a due date before the as_of day.
select
    t.task_id,
    t.role,
    r.role_name_ru,
    t.order_id,
    o.order_number,
    t.assignee_user_id,
    u.full_name as assignee_name,
    t.rule_key,
    t.task_title,
    t.created_at,
    t.due_date,
    {{ as_of_date() }} - t.due_date as days_overdue
from {{ ref('stg_app__tasks') }} as t
left join {{ ref('stg_app__roles') }} as r on r.role = t.role
left join {{ ref('stg_app__orders') }} as o on o.order_id = t.order_id
left join {{ ref('stg_app__users') }} as u on u.user_id = t.assignee_user_id
where t.task_state = 'open' and t.due_date < {{ as_of_date() }}
