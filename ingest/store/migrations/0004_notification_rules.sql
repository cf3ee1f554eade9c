-- Schema version 4: the notification rules of domain.md as data an admin reads and changes
-- (Администрирование → Уведомления): which task each new status makes, who gets an email, and
-- the Russian texts of the emails. ingest/notify plans from these rows; ingest/service/
-- notifications.py edits them (audited).

-- One task per (status event, rule): tasks.rule_key is this rule_key. The keys equal the demo
-- plant's (zakaz/demo/task_rules.csv), so generated history and live tasks read alike.
-- assignee: a person of the order (falls back to an unassigned department task when the order
-- has none) or 'department' (an unassigned task of the role, seen by the whole department).
-- The due date is either N working days after the event or derived from the order.
CREATE TABLE notification_task_rules (
    rule_key          VARCHAR PRIMARY KEY,
    status            VARCHAR NOT NULL CHECK (status IN ('need','costing','quote_sent','agreed',
                          'procurement','production','ready_to_ship','shipped','delivered',
                          'closed','cancelled')),
    role              VARCHAR NOT NULL CHECK (role IN ('sales','procurement','production',
                          'logistics','finance','leadership')),
    assignee          VARCHAR NOT NULL CHECK (assignee IN ('sales_manager','procurement_manager',
                          'logistics_manager','department')),
    title             VARCHAR NOT NULL,
    due_working_days  INTEGER CHECK (due_working_days BETWEEN 0 AND 250),
    due_by            VARCHAR CHECK (due_by IN ('planned_shipment','payment_calendar')),
    is_active         BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at        TIMESTAMP,
    updated_by        BIGINT,
    CHECK ((due_working_days IS NULL) <> (due_by IS NULL))   -- exactly one way to set the date
);

INSERT INTO notification_task_rules
    (rule_key, status, role, assignee, title, due_working_days, due_by) VALUES
    ('need.sales', 'need', 'sales', 'sales_manager', 'Подготовить расчёт и КП', 2, NULL),
    ('quote_sent.sales', 'quote_sent', 'sales', 'sales_manager', 'Связаться с заказчиком по КП', 3, NULL),
    ('agreed.finance', 'agreed', 'finance', 'department', 'Выставить счёт на предоплату', 1, NULL),
    ('agreed.procurement', 'agreed', 'procurement', 'procurement_manager', 'Проверить и заказать материалы', 3, NULL),
    ('procurement.procurement', 'procurement', 'procurement', 'procurement_manager', 'Закупить материалы', 5, NULL),
    ('production.production', 'production', 'production', 'department', 'Спланировать и изготовить', NULL, 'planned_shipment'),
    ('ready_to_ship.logistics', 'ready_to_ship', 'logistics', 'logistics_manager', 'Организовать доставку', 2, NULL),
    ('ready_to_ship.finance', 'ready_to_ship', 'finance', 'department', 'Выставить счёт на остаток', 1, NULL),
    ('shipped.finance', 'shipped', 'finance', 'department', 'Проконтролировать оплату', NULL, 'payment_calendar'),
    ('shipped.sales', 'shipped', 'sales', 'sales_manager', 'Подтвердить получение заказчиком', 3, NULL),
    ('delivered.sales', 'delivered', 'sales', 'sales_manager', 'Закрыть сделку', 2, NULL);

-- Who is emailed when an order reaches a status: a person of the order, every active user of a
-- department, or (task_owners) whoever holds an open task on the order. One email per user per
-- event however many groups name them. A row with is_active = FALSE is a switched-off rule.
CREATE TABLE notification_email_rules (
    status      VARCHAR NOT NULL CHECK (status IN ('need','costing','quote_sent','agreed',
                    'procurement','production','ready_to_ship','shipped','delivered',
                    'closed','cancelled')),
    recipient   VARCHAR NOT NULL CHECK (recipient IN ('sales_manager','procurement_manager',
                    'logistics_manager','sales','procurement','production','logistics','finance',
                    'leadership','task_owners')),
    is_active   BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at  TIMESTAMP,
    updated_by  BIGINT,
    PRIMARY KEY (status, recipient)
);

INSERT INTO notification_email_rules (status, recipient) VALUES
    ('need', 'sales_manager'),
    ('agreed', 'finance'), ('agreed', 'procurement'), ('agreed', 'sales_manager'),
    ('procurement', 'procurement'), ('procurement', 'production'),
    ('production', 'production'), ('production', 'logistics'),
    ('ready_to_ship', 'logistics'), ('ready_to_ship', 'finance'), ('ready_to_ship', 'sales_manager'),
    ('shipped', 'sales_manager'), ('shipped', 'finance'),
    ('delivered', 'sales_manager'), ('delivered', 'leadership'),
    ('cancelled', 'task_owners');

-- The email texts. Placeholders in braces are filled per message (ingest/notify/templates.py
-- lists which each kind may use); anything else in the text is sent as written.
CREATE TABLE notification_templates (
    kind        VARCHAR PRIMARY KEY CHECK (kind IN ('status','cancelled','reminder','manual_task')),
    subject     VARCHAR NOT NULL,
    body        VARCHAR NOT NULL,
    updated_at  TIMESTAMP,
    updated_by  BIGINT
);

INSERT INTO notification_templates (kind, subject, body) VALUES
    ('status', 'Заказ {order_number}: {status}',
     'Здравствуйте!' || chr(10) || chr(10) ||
     'Заказ {order_number} ({customer}) переведён в статус «{status}».' || chr(10) || chr(10) ||
     'Задачи по заказу:' || chr(10) || '{tasks}' || chr(10) || chr(10) ||
     'Срок: {due_date}' || chr(10) ||
     'Карточка заказа: {link}' || chr(10) || chr(10) ||
     '— Система «Заказ» (письмо отправлено автоматически)'),
    ('cancelled', 'Заказ {order_number} отменён',
     'Здравствуйте!' || chr(10) || chr(10) ||
     'Заказ {order_number} ({customer}) отменён. Причина: {comment}' || chr(10) || chr(10) ||
     'Ваши открытые задачи по заказу закрыты:' || chr(10) || '{tasks}' || chr(10) || chr(10) ||
     'Карточка заказа: {link}' || chr(10) || chr(10) ||
     '— Система «Заказ» (письмо отправлено автоматически)'),
    ('reminder', 'Напоминание: просроченные задачи и платежи',
     'Здравствуйте!' || chr(10) || chr(10) ||
     'Просрочено:' || chr(10) || '{tasks}' || chr(10) || chr(10) ||
     'Мои задачи: {link}' || chr(10) || chr(10) ||
     '— Система «Заказ» (напоминание приходит раз в день)'),
    ('manual_task', 'Новая задача по заказу {order_number}',
     'Здравствуйте!' || chr(10) || chr(10) ||
     'Вам поставлена задача по заказу {order_number} ({customer}, статус «{status}»):' ||
     chr(10) || '{tasks}' || chr(10) || chr(10) ||
     'Срок: {due_date}' || chr(10) ||
     'Карточка заказа: {link}' || chr(10) || chr(10) ||
     '— Система «Заказ» (письмо отправлено автоматически)');
