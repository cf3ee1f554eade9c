-- One row per (user who issued a quote, order): the orders each sales manager quoted, with the
-- first and last time that manager issued a quote on the order and how many versions.
select
    q.issued_by_user_id as sales_manager_id,
    q.order_id,
    count(*) as quotes_issued,
    min(q.issued_at) as first_issued_at,
    max(q.issued_at) as last_issued_at,
    {{ month_of('min(q.issued_at)') }} as first_quote_month
from {{ ref('stg_app__quotes') }} as q
where q.issued_by_user_id is not null
group by q.issued_by_user_id, q.order_id
