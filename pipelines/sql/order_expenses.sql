-- The expenses of every order (planned, and actual once known): input of pricing.price_orders.
SELECT order_id, category, planned, actual
FROM main.order_expenses
ORDER BY order_id, id
