select
    id as user_id,
    login,
    full_name,
    email,
    role,
    is_head,
    is_active
from {{ source('app', 'users') }}
