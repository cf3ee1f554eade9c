-- Payments and invoices in the store snapshot: the figures the marts must reproduce.
SELECT
    (SELECT count(*) FROM main.payments) AS payment_count,
    (SELECT coalesce(sum(amount), 0) FROM main.payments) AS payments_amount,
    (SELECT count(*) FROM main.invoices) AS invoice_count,
    (SELECT coalesce(sum(amount), 0) FROM main.invoices) AS invoices_amount
