-- One row per order line: the inputs of pricing.price_lines (pricing/frame.py), read from the
-- snapshot of the operational store. Inputs are only looked up here, nothing is computed:
--   density_kg_m3        from the line's material (NULL: the material or its density is missing,
--                        which price_lines reports naming the line)
--   price_per_kg         the line's own price, else the material's price list row valid on the
--                        order's need_date (ASOF JOIN: the latest valid_from <= need_date)
--   surcharge_pct_total  the sum of the line's named surcharges, 0 when it has none
--   actual_material_cost recorded by procurement for the whole line (NULL until known)
--   vat_date             the planned shipment date (it sets the VAT rate), else the need_date
--   order_vat_rate       the order's explicit VAT rate (NULL: by vat_date, see pricing_inputs.py)
WITH surcharges AS (
    SELECT line_id, sum(pct) AS surcharge_pct_total
    FROM main.order_line_surcharges
    GROUP BY line_id
),
lines AS (
    SELECT l.*, o.need_date, o.planned_shipment_date, o.vat_rate AS order_vat_rate
    FROM main.order_lines AS l
    LEFT JOIN main.orders AS o ON o.id = l.order_id  -- no order: no VAT date, reported
)
SELECT
    l.id AS line_id,
    l.order_id,
    l.line_no,
    l.material_id,
    l.quantity,
    m.density_kg_m3,
    coalesce(l.price_per_kg, p.price_per_kg) AS price_per_kg,
    l.blank_shape AS shape,
    l.diameter_mm,
    l.across_flats_mm,
    l.outer_diameter_mm,
    l.wall_mm,
    l.length_mm,
    l.width_mm,
    l.thickness_mm,
    l.weight_kg,
    l.complexity,
    coalesce(s.surcharge_pct_total, 0) AS surcharge_pct_total,
    l.fixed_unit_price,
    pr.actual_material_cost,
    coalesce(l.planned_shipment_date, l.need_date) AS vat_date,
    l.order_vat_rate
FROM lines AS l
LEFT JOIN main.materials AS m ON m.id = l.material_id
ASOF LEFT JOIN main.material_prices AS p
    ON p.material_id = l.material_id AND l.need_date >= p.valid_from
LEFT JOIN surcharges AS s ON s.line_id = l.id
LEFT JOIN main.procurement_records AS pr ON pr.line_id = l.id
ORDER BY l.id
