-- Hand-written DuckDB SQL of the line formulas of pricing.md (the benchmark baseline of
-- bench/pricing_engines.py and the pricing step of bench/pipeline_scale.py's raw script).
--
-- Reads the relation `line_inputs`: the input columns of pricing.price_lines (line_id, quantity,
-- density_kg_m3, price_per_kg, shape, the dimension columns, complexity, surcharge_pct_total,
-- fixed_unit_price, actual_material_cost, vat_rate already resolved). Returns every input column
-- (vat_rate as DECIMAL(6,4)) plus the nine figures of price_lines, with its types.
-- Nothing is validated here: the inputs are assumed to be within pricing/validate.py's limits.
--
-- Geometry is DOUBLE, written in exactly the operation order of pricing/shapes.py (the only
-- floating-point step); `volume * density + 0.5`, floored, is the weight in whole 1e-9 kg (the
-- snap that keeps exact decimal ties as ties). From there on everything is DECIMAL: round() on a
-- DECIMAL is exact and rounds half away from zero, i.e. half-up for these non-negative figures.
-- No division: DuckDB's `/` returns DOUBLE, so percentages are scaled by multiplying by 0.01.
WITH volumes AS (
    SELECT
        *,
        CASE shape
            WHEN 'round' THEN
                ((CAST(diameter_mm AS DOUBLE) * CAST(diameter_mm AS DOUBLE))
                    * CAST(length_mm AS DOUBLE)) * (pi() / 4)
            WHEN 'hex' THEN
                ((CAST(across_flats_mm AS DOUBLE) * CAST(across_flats_mm AS DOUBLE))
                    * CAST(length_mm AS DOUBLE)) * (sqrt(3.0::DOUBLE) / 2)
            WHEN 'sheet' THEN
                (CAST(length_mm AS DOUBLE) * CAST(width_mm AS DOUBLE))
                    * CAST(thickness_mm AS DOUBLE)
            WHEN 'tube' THEN
                ((CAST(outer_diameter_mm AS DOUBLE) * CAST(outer_diameter_mm AS DOUBLE)
                  - (CAST(outer_diameter_mm AS DOUBLE) - CAST(wall_mm AS DOUBLE) * 2.0)
                    * (CAST(outer_diameter_mm AS DOUBLE) - CAST(wall_mm AS DOUBLE) * 2.0))
                    * CAST(length_mm AS DOUBLE)) * (pi() / 4)
        END AS volume_mm3
    FROM line_inputs
),

weighed AS (
    SELECT
        * EXCLUDE (volume_mm3),
        -- step 2: unit_weight_kg = round3(volume_m3 * density), or the given mass
        CASE
            WHEN shape = 'weight' THEN CAST(weight_kg AS DECIMAL(18, 3))
            ELSE round(
                CAST(floor(volume_mm3 * CAST(density_kg_m3 AS DOUBLE) + 0.5) AS DECIMAL(18, 0))
                * 0.000000001,
                3
            )
        END AS w_kg
    FROM volumes
),

costed AS (
    SELECT
        *,
        -- step 3: material_cost_unit = round2(unit_weight_kg * price_per_kg)
        round(w_kg * price_per_kg, 2) AS mcu
    FROM weighed
),

priced AS (
    SELECT
        *,
        -- step 4: the fixed price, else round2(cost * k * (1 + sum(surcharges)/100))
        coalesce(
            fixed_unit_price,
            round(mcu * complexity * (100 + coalesce(surcharge_pct_total, 0)) * 0.01, 2)
        ) AS unit_price
    FROM costed
),

netted AS (
    SELECT
        *,
        -- step 5: line_net = unit_price_net * quantity
        unit_price * quantity AS net
    FROM priced
)

SELECT
    * EXCLUDE (w_kg, mcu, unit_price, net) REPLACE (CAST(vat_rate AS DECIMAL(6, 4)) AS vat_rate),
    CAST(w_kg AS DECIMAL(18, 3)) AS unit_weight_kg,
    CAST(w_kg * quantity AS DECIMAL(18, 3)) AS line_weight_kg,
    CAST(mcu AS DECIMAL(18, 2)) AS material_cost_unit,
    CAST(unit_price AS DECIMAL(18, 2)) AS unit_price_net,
    CAST(net AS DECIMAL(18, 2)) AS line_net,
    -- step 7: VAT per line, round2(line_net * vat_rate); total = net + VAT
    CAST(round(net * vat_rate, 2) AS DECIMAL(18, 2)) AS line_vat,
    CAST(net + round(net * vat_rate, 2) AS DECIMAL(18, 2)) AS line_total,
    -- step 8: planned cost = material per piece * quantity; actual = procurement's, else planned
    CAST(mcu * quantity AS DECIMAL(18, 2)) AS planned_cost,
    CAST(coalesce(actual_material_cost, mcu * quantity) AS DECIMAL(18, 2)) AS actual_cost
FROM netted
