select
    id as lead_source_id,
    code as lead_source_code,
    name as lead_source_name
from {{ source('app', 'lead_sources') }}
