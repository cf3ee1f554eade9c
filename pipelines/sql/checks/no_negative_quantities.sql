-- Quantities and masses typed into the store that are below zero: line quantities (the schema
-- refuses them), procurement's planned and actual masses and shipment weights (no constraint).
SELECT 'order_lines' AS source, id, order_id, 'quantity' AS field, quantity::DECIMAL(18, 3) AS value
FROM main.order_lines WHERE quantity < 0
UNION ALL
SELECT 'procurement_records', id, order_id, 'planned_mass_kg', planned_mass_kg
FROM main.procurement_records WHERE planned_mass_kg < 0
UNION ALL
SELECT 'procurement_records', id, order_id, 'actual_mass_kg', actual_mass_kg
FROM main.procurement_records WHERE actual_mass_kg < 0
UNION ALL
SELECT 'shipments', id, order_id, 'weight_kg', weight_kg
FROM main.shipments WHERE weight_kg < 0
ORDER BY source, id, field
