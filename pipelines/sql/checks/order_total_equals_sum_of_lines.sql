-- Orders of order_pricing whose net, VAT or total differ from the sums of their priced lines, whose
-- total is not net + VAT, or priced lines whose order has no order_pricing row.
WITH lines AS (
    SELECT order_id, sum(line_net) AS net, sum(line_vat) AS vat, sum(line_total) AS total
    FROM read_parquet($priced_order_lines)
    GROUP BY order_id
),
orders AS (
    SELECT order_id, net, vat, total FROM read_parquet($order_pricing)
)
SELECT
    coalesce(o.order_id, l.order_id) AS order_id,
    o.net, o.vat, o.total,
    coalesce(l.net, 0) AS lines_net,
    coalesce(l.vat, 0) AS lines_vat,
    coalesce(l.total, 0) AS lines_total
FROM orders AS o
FULL JOIN lines AS l ON l.order_id = o.order_id
WHERE o.order_id IS NULL
   OR o.net <> coalesce(l.net, 0)
   OR o.vat <> coalesce(l.vat, 0)
   OR o.total <> coalesce(l.total, 0)
   OR o.total <> o.net + o.vat
ORDER BY 1
