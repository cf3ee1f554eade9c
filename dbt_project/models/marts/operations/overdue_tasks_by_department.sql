-- One row per department (role; every role, also those with no tasks): open tasks, how many of
-- them are overdue on the as_of day (open, due before as_of) and by how much.
with open_tasks as (
    select
        role,
        due_date,
        due_date < {{ as_of_date() }} as is_overdue,
        {{ as_of_date() }} - due_date as days_past_due
    from {{ ref('stg_app__tasks') }}
    where task_state = 'open'
),

per_role as (
    select
        role,
        count(*) as open_tasks_count,
        count(*) filter (where is_overdue) as overdue_tasks_count,
        sum(days_past_due) filter (where is_overdue) as overdue_days_total,
        max(days_past_due) filter (where is_overdue) as max_days_overdue,
        min(due_date) filter (where is_overdue) as oldest_due_date
    from open_tasks
    group by role
)

select
    r.role,
    r.role_name_ru,
    r.role_name_en,
    coalesce(p.open_tasks_count, 0) as open_tasks_count,
    coalesce(p.overdue_tasks_count, 0) as overdue_tasks_count,
    {{ pct('p.overdue_tasks_count', 'p.open_tasks_count') }} as overdue_share_pct,
    {{ ratio('p.overdue_days_total', 'p.overdue_tasks_count', 1) }} as avg_days_overdue,
    p.max_days_overdue,
    p.oldest_due_date
from {{ ref('stg_app__roles') }} as r
left join per_role as p on p.role = r.role
