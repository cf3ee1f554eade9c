-- The raw baseline's pricing inputs (bench/pipeline_scale.py): what the pipeline's pricing
-- assets read, in SQL. Run with `USE app` (the attached store snapshot) as the current catalog.
-- Placeholders filled in by the benchmark: db = the raw warehouse's catalog, pricing_inputs = the
-- text of the pipeline's own pipelines/sql/pricing_inputs.sql (one row per order line: the inputs
-- looked up, nothing computed).
--
-- VAT as pipelines/pricing_inputs.py resolves it: the order's explicit rate, else the rate of the
-- store's vat_rates table in force on vat_date (the latest valid_from <= vat_date: ASOF JOIN).
-- An order line without a rate would get NULL here; the pipeline refuses such a line, and the
-- mart comparison at the end of the benchmark would show the difference.
CREATE TABLE {db}.main.line_inputs AS
SELECT
    i.* EXCLUDE (vat_date, order_vat_rate),
    coalesce(i.order_vat_rate, v.rate) AS vat_rate
FROM (
{pricing_inputs}
) AS i
ASOF LEFT JOIN main.vat_rates AS v ON i.vat_date >= v.valid_from;

-- The inputs of order_pricing.sql: every order expense (planned, and actual once known).
CREATE TABLE {db}.main.expenses AS
SELECT order_id, planned, actual
FROM main.order_expenses;
