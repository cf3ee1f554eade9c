-- Catches: quotes lost or double-counted in sales_manager_months: the number and total amount of
-- quotes per issuer and issue month must equal those counted directly from the store's quotes.
with store as (
    select
        issued_by as sales_manager_id,
        cast(date_trunc('month', issued_at) as date) as month_start,
        count(*) as quotes,
        sum(total) as total
    from {{ source('app', 'quotes') }}
    where issued_by is not null
    group by 1, 2
),

mart as (
    select sales_manager_id, month_start, quotes_issued_count as quotes,
        quotes_issued_total as total
    from {{ ref('sales_manager_months') }}
    where quotes_issued_count > 0
)

select coalesce(s.sales_manager_id, m.sales_manager_id) as sales_manager_id,
    coalesce(s.month_start, m.month_start) as month_start,
    s.quotes as store_quotes, m.quotes as mart_quotes, s.total as store_total, m.total as mart_total
from store as s
full outer join mart as m using (sales_manager_id, month_start)
where s.quotes is distinct from m.quotes or s.total is distinct from m.total
