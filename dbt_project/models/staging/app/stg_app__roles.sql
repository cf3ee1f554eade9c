select
    code as role,
    name_ru as role_name_ru,
    name_en as role_name_en
from {{ source('app', 'roles') }}
