-- One row per lead source (plus one row 'unknown' when some orders have none), over all orders:
-- the funnel (needs -> quoted -> agreed), win rate, revenue, paid revenue, profit and cycle time,
-- ranked by effectiveness (paid revenue per need, then profit per need).
with orders as (
    select * from {{ ref('int_orders_enriched') }}
),

per_source as (
    select
        lead_source_id,
        count(*) as needs_count,
        count(*) filter (where quote_count > 0) as quoted_count,
        count(*) filter (where is_won) as agreed_count,
        count(*) filter (where agreed_date is not null and is_cancelled)
            as cancelled_after_agreement_count,
        count(*) filter (where is_cancelled) as cancelled_count,
        count(*) filter (where status in ('need', 'costing', 'quote_sent')) as in_negotiation_count,
        count(*) filter (where status = 'closed') as closed_count,
        sum(net) filter (where is_won) as revenue,
        sum(paid_amount) as paid_revenue,
        sum(planned_profit) filter (where is_won) as planned_profit,
        sum(actual_profit) filter (where is_won) as actual_profit,
        sum(agreed_date - need_date) filter (where is_won) as days_need_to_agreed,
        sum(closed_date - need_date) filter (where status = 'closed') as days_need_to_closed
    from orders
    group by lead_source_id
),

sources as (
    select
        coalesce(ls.lead_source_id, p.lead_source_id) as lead_source_id,
        coalesce(ls.lead_source_code, 'unknown') as lead_source_code,
        coalesce(ls.lead_source_name, 'Источник не указан') as lead_source_name,
        coalesce(p.needs_count, 0) as needs_count,
        coalesce(p.quoted_count, 0) as quoted_count,
        coalesce(p.agreed_count, 0) as agreed_count,
        coalesce(p.cancelled_after_agreement_count, 0) as cancelled_after_agreement_count,
        coalesce(p.cancelled_count, 0) as cancelled_count,
        coalesce(p.in_negotiation_count, 0) as in_negotiation_count,
        coalesce(p.closed_count, 0) as closed_count,
        {{ money('coalesce(p.revenue, 0)') }} as revenue,
        {{ money('coalesce(p.paid_revenue, 0)') }} as paid_revenue,
        {{ money('coalesce(p.planned_profit, 0)') }} as planned_profit,
        {{ money('coalesce(p.actual_profit, 0)') }} as actual_profit,
        p.days_need_to_agreed,
        p.days_need_to_closed
    from {{ ref('stg_app__lead_sources') }} as ls
    full outer join per_source as p on p.lead_source_id = ls.lead_source_id
),

measured as (
    select
        *,
        {{ pct('quoted_count', 'needs_count') }} as quote_rate_pct,
        {{ pct('agreed_count', 'needs_count') }} as win_rate_pct,
        {{ pct('agreed_count', 'quoted_count') }} as quote_to_agreed_pct,
        {{ ratio('days_need_to_agreed', 'agreed_count', 1) }} as avg_days_need_to_agreed,
        {{ ratio('days_need_to_closed', 'closed_count', 1) }} as avg_days_need_to_closed,
        {{ ratio('paid_revenue', 'needs_count', 2) }} as paid_revenue_per_need,
        {{ ratio('actual_profit', 'needs_count', 2) }} as profit_per_need
    from sources
)

select
    lead_source_id,
    lead_source_code,
    lead_source_name,
    needs_count,
    quoted_count,
    agreed_count,
    cancelled_after_agreement_count,
    cancelled_count,
    in_negotiation_count,
    closed_count,
    quote_rate_pct,
    win_rate_pct,
    quote_to_agreed_pct,
    revenue,
    paid_revenue,
    planned_profit,
    actual_profit,
    avg_days_need_to_agreed,
    avg_days_need_to_closed,
    paid_revenue_per_need,
    profit_per_need,
    cast(row_number() over (
        order by paid_revenue_per_need desc nulls last, profit_per_need desc nulls last,
            lead_source_code
    ) as integer) as effectiveness_rank
from measured
