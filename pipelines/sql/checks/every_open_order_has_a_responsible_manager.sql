-- Open orders (not closed, not cancelled: $open_statuses) whose responsible sales manager is not
-- set, is not a user, or is a deactivated user: nobody gets the order's tasks and emails.
SELECT o.id AS order_id, o.number, o.status, o.sales_manager_id
FROM main.orders AS o
LEFT JOIN main.users AS u ON u.id = o.sales_manager_id
WHERE list_contains($open_statuses, o.status)
  AND (u.id IS NULL OR NOT u.is_active)
ORDER BY o.id
