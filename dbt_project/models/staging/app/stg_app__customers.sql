select
    id as customer_id,
    name as customer_name,
    inn as customer_inn,
    lead_source_id as first_lead_source_id,
    created_at
from {{ source('app', 'customers') }}
