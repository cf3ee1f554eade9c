-- Hand-written DuckDB SQL of pricing.md's order figures (steps 9-12), the baseline of
-- pricing.price_orders. Reads `priced_lines` (the output of pricing.sql, with order_id) and
-- `expenses` (order_id, planned, actual). One row per order that has lines or expenses, by
-- order_id, with the columns and types of price_orders.
-- Sums of DECIMAL are exact. Efficiency = round1(profit / cost_price * 100), half away from zero,
-- computed in whole kopecks as HUGEINT (DuckDB's `/` would return DOUBLE): tenths of a percent
-- = sign(p) * ((|p| * 1000 + c // 2) // c) for a cost price c > 0; NULL when c is 0.
WITH line_sums AS (
    SELECT
        order_id,
        sum(line_net) AS net,
        sum(line_vat) AS vat,
        sum(line_total) AS total,
        sum(line_weight_kg) AS weight_kg,
        sum(planned_cost) AS lines_planned,
        sum(actual_cost) AS lines_actual
    FROM priced_lines
    GROUP BY order_id
),

expense_sums AS (
    SELECT
        order_id,
        sum(planned) AS expenses_planned,
        sum(coalesce(actual, planned)) AS expenses_actual
    FROM expenses
    GROUP BY order_id
),

sums AS (
    SELECT
        coalesce(l.order_id, e.order_id) AS order_id,
        coalesce(l.net, 0) AS net,
        coalesce(l.vat, 0) AS vat,
        coalesce(l.total, 0) AS total,
        coalesce(l.weight_kg, 0) AS weight_kg,
        coalesce(e.expenses_planned, 0) AS expenses_planned,
        coalesce(e.expenses_actual, 0) AS expenses_actual,
        coalesce(l.lines_planned, 0) + coalesce(e.expenses_planned, 0) AS planned_cost_price,
        coalesce(l.lines_actual, 0) + coalesce(e.expenses_actual, 0) AS actual_cost_price
    FROM line_sums AS l
    FULL OUTER JOIN expense_sums AS e ON e.order_id = l.order_id
),

kopecks AS (
    SELECT
        *,
        CAST((net - planned_cost_price) * 100 AS HUGEINT) AS planned_profit_kop,
        CAST((net - actual_cost_price) * 100 AS HUGEINT) AS actual_profit_kop,
        CAST(planned_cost_price * 100 AS HUGEINT) AS planned_cost_kop,
        CAST(actual_cost_price * 100 AS HUGEINT) AS actual_cost_kop
    FROM sums
)

SELECT
    order_id,
    CAST(net AS DECIMAL(18, 2)) AS net,
    CAST(vat AS DECIMAL(18, 2)) AS vat,
    CAST(total AS DECIMAL(18, 2)) AS total,
    CAST(weight_kg AS DECIMAL(18, 3)) AS weight_kg,
    CAST(expenses_planned AS DECIMAL(18, 2)) AS expenses_planned,
    CAST(expenses_actual AS DECIMAL(18, 2)) AS expenses_actual,
    CAST(planned_cost_price AS DECIMAL(18, 2)) AS planned_cost_price,
    CAST(actual_cost_price AS DECIMAL(18, 2)) AS actual_cost_price,
    CAST(net - planned_cost_price AS DECIMAL(18, 2)) AS planned_profit,
    CAST(net - actual_cost_price AS DECIMAL(18, 2)) AS actual_profit,
    CASE WHEN planned_cost_kop <> 0 THEN CAST(
        CAST(sign(planned_profit_kop)
             * ((abs(planned_profit_kop) * 1000 + planned_cost_kop // 2) // planned_cost_kop)
             AS DECIMAL(38, 0)) * 0.1 AS DECIMAL(22, 1))
    END AS planned_efficiency_pct,
    CASE WHEN actual_cost_kop <> 0 THEN CAST(
        CAST(sign(actual_profit_kop)
             * ((abs(actual_profit_kop) * 1000 + actual_cost_kop // 2) // actual_cost_kop)
             AS DECIMAL(38, 0)) * 0.1 AS DECIMAL(22, 1))
    END AS actual_efficiency_pct
FROM kopecks
ORDER BY order_id
