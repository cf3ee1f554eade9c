-- Orders whose payments received add up to more than the invoices issued on them: an overpayment
-- to return or offset, or a payment matched to the wrong order.
WITH paid AS (
    SELECT order_id, sum(amount) AS paid
    FROM main.payments
    WHERE order_id IS NOT NULL
    GROUP BY order_id
),
invoiced AS (
    SELECT order_id, sum(amount) AS invoiced
    FROM main.invoices
    GROUP BY order_id
)
SELECT
    p.order_id,
    o.number,
    p.paid,
    coalesce(i.invoiced, 0) AS invoiced,
    p.paid - coalesce(i.invoiced, 0) AS excess
FROM paid AS p
LEFT JOIN invoiced AS i ON i.order_id = p.order_id
LEFT JOIN main.orders AS o ON o.id = p.order_id
WHERE p.paid > coalesce(i.invoiced, 0)
ORDER BY p.order_id
