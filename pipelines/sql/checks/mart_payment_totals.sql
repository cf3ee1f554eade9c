-- The same figures as store_payment_totals.sql, from the published marts: payments received by
-- month (every payment, by payment_date) and the invoices mart (one row per invoice).
SELECT
    (SELECT coalesce(sum(payment_count), 0) FROM marts.payments_by_month) AS payment_count,
    (SELECT coalesce(sum(received_amount), 0) FROM marts.payments_by_month) AS payments_amount,
    (SELECT count(*) FROM marts.invoices) AS invoice_count,
    (SELECT coalesce(sum(invoice_amount), 0) FROM marts.invoices) AS invoices_amount
