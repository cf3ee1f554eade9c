-- One row per order: its way through the sales funnel (need -> quote -> agreed -> paid) with the
-- definitions of lead_sources, so that grouping this mart by lead_source_code reproduces
-- lead_sources' counts and sums (a pytest checks it). Revenue and profit count for won orders
-- only (0 otherwise), like the sums of lead_sources; paid_amount is every payment on the order.
select
    order_id,
    order_number,
    status,
    customer_id,
    customer_name,
    coalesce(lead_source_code, 'unknown') as lead_source_code,
    coalesce(lead_source_name, 'Источник не указан') as lead_source_name,
    sales_manager_id,
    sales_manager_name,
    need_date,
    need_month,
    quote_count > 0 as is_quoted,
    quote_count as quotes_count,
    cast(first_quote_at as date) as first_quote_date,
    agreed_date,
    is_won,
    is_cancelled,
    agreed_date is not null and is_cancelled as cancelled_after_agreement,
    status in ('need', 'costing', 'quote_sent') as is_in_negotiation,
    closed_date,
    case when is_won then agreed_date - need_date end as days_need_to_agreed,
    case when status = 'closed' then closed_date - need_date end as days_need_to_closed,
    case when is_won then {{ money('coalesce(net, 0)') }} else cast(0 as decimal(18,2)) end
        as revenue,
    paid_amount,
    case when is_won then {{ money('coalesce(planned_profit, 0)') }}
        else cast(0 as decimal(18,2)) end as planned_profit,
    case when is_won then {{ money('coalesce(actual_profit, 0)') }}
        else cast(0 as decimal(18,2)) end as actual_profit
from {{ ref('int_orders_enriched') }}
