-- The raw baseline's two pricing tables (bench/pipeline_scale.py), with the columns and types of
-- dbt's `pricing` sources (dbt_project/models/staging/pricing/_pricing__sources.yml), which the
-- pipeline writes as Parquet files. Placeholders filled in by the benchmark: pricing =
-- bench/sql/pricing.sql (reads main.line_inputs), order_pricing = bench/sql/order_pricing.sql
-- (reads main.priced_lines and main.expenses).
CREATE SCHEMA pricing;

CREATE TABLE pricing.priced_order_lines AS
SELECT
    CAST(line_id AS BIGINT) AS line_id,
    CAST(order_id AS BIGINT) AS order_id,
    CAST(line_no AS INTEGER) AS line_no,
    CAST(material_id AS BIGINT) AS material_id,
    CAST(quantity AS INTEGER) AS quantity,
    CAST(price_per_kg AS DECIMAL(18, 2)) AS price_per_kg,
    vat_rate,
    unit_weight_kg,
    line_weight_kg,
    material_cost_unit,
    unit_price_net,
    line_net,
    line_vat,
    line_total,
    planned_cost,
    actual_cost
FROM (
{pricing}
)
ORDER BY line_id;

CREATE VIEW main.priced_lines AS SELECT * FROM pricing.priced_order_lines;

CREATE TABLE pricing.order_pricing AS
{order_pricing};
