-- Zakaz operational store, schema version 1: the whole order domain.
-- Conventions: ids are BIGINT allocated by the store under its exclusive lock (max + 1);
-- money is DECIMAL(18,2); weights DECIMAL(18,3); dimensions in mm DECIMAL(12,3);
-- percentages DECIMAL(8,2); rates DECIMAL(6,4).
-- No FOREIGN KEY constraints: DuckDB's key checks make bulk loads and migrations brittle;
-- referential integrity is kept by the repositories and checked by dbt relationship tests.
-- Derived figures (weights, prices, totals, paid/outstanding) are NOT stored: pricing/ computes them.

CREATE TABLE roles (
    code        VARCHAR PRIMARY KEY,      -- sales, procurement, production, logistics, finance, leadership, admin
    name_ru     VARCHAR NOT NULL,
    name_en     VARCHAR NOT NULL
);

CREATE TABLE users (
    id              BIGINT PRIMARY KEY,
    login           VARCHAR NOT NULL UNIQUE,
    full_name       VARCHAR NOT NULL,
    email           VARCHAR,
    role            VARCHAR NOT NULL,
    is_head         BOOLEAN NOT NULL DEFAULT FALSE,
    password_hash   VARCHAR NOT NULL,
    is_active       BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      TIMESTAMP NOT NULL
);

CREATE TABLE lead_sources (
    id      BIGINT PRIMARY KEY,
    code    VARCHAR NOT NULL UNIQUE,
    name    VARCHAR NOT NULL
);

CREATE TABLE customers (
    id              BIGINT PRIMARY KEY,
    name            VARCHAR NOT NULL,
    inn             VARCHAR NOT NULL UNIQUE,
    kpp             VARCHAR,
    address         VARCHAR,
    phone           VARCHAR,
    email           VARCHAR,
    lead_source_id  BIGINT,                -- how the customer first came to the plant
    created_at      TIMESTAMP NOT NULL
);

CREATE TABLE customer_contacts (
    id           BIGINT PRIMARY KEY,
    customer_id  BIGINT NOT NULL,
    full_name    VARCHAR NOT NULL,
    position     VARCHAR,
    phone        VARCHAR,
    email        VARCHAR
);

CREATE TABLE materials (
    id              BIGINT PRIMARY KEY,
    grade           VARCHAR NOT NULL UNIQUE,   -- 40Х, 09Г2С, 12Х18Н10Т, СЧ20, Д16Т ...
    category        VARCHAR,                   -- steel, stainless, cast iron, aluminium, copper ...
    density_kg_m3   DECIMAL(10,3),             -- NULL for a grade imported but not yet completed
    needs_review    BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE material_prices (
    id            BIGINT PRIMARY KEY,
    material_id   BIGINT NOT NULL,
    valid_from    DATE NOT NULL,
    price_per_kg  DECIMAL(18,2) NOT NULL CHECK (price_per_kg >= 0),   -- RUB/kg excl. VAT
    UNIQUE (material_id, valid_from)
);

CREATE TABLE vat_rates (
    valid_from  DATE PRIMARY KEY,
    rate        DECIMAL(6,4) NOT NULL CHECK (rate >= 0 AND rate < 1)
);

CREATE TABLE products (
    id                  BIGINT PRIMARY KEY,
    drawing_no          VARCHAR NOT NULL UNIQUE,
    name                VARCHAR NOT NULL,
    material_id         BIGINT,
    blank_shape         VARCHAR NOT NULL CHECK (blank_shape IN ('round','hex','sheet','tube','weight')),
    diameter_mm         DECIMAL(12,3),
    across_flats_mm     DECIMAL(12,3),
    outer_diameter_mm   DECIMAL(12,3),
    wall_mm             DECIMAL(12,3),
    length_mm           DECIMAL(12,3),
    width_mm            DECIMAL(12,3),
    thickness_mm        DECIMAL(12,3),
    weight_kg           DECIMAL(18,3),
    default_complexity  DECIMAL(8,3) NOT NULL DEFAULT 1,
    characteristics     JSON,                   -- tolerances, roughness, heat treatment, coating ...
    is_active           BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE payment_terms_templates (
    id      BIGINT PRIMARY KEY,
    code    VARCHAR NOT NULL UNIQUE,
    name    VARCHAR NOT NULL
);

CREATE TABLE payment_terms_template_steps (
    template_id   BIGINT NOT NULL,
    step_no       INTEGER NOT NULL,
    name          VARCHAR NOT NULL,
    pct           DECIMAL(8,2) NOT NULL CHECK (pct > 0 AND pct <= 100),
    base_event    VARCHAR NOT NULL CHECK (base_event IN ('agreed','shipped','delivered')),
    offset_days   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (template_id, step_no)
);

CREATE TABLE orders (
    id                       BIGINT PRIMARY KEY,
    number                   VARCHAR NOT NULL UNIQUE,      -- З-2026-0142
    customer_id              BIGINT NOT NULL,
    lead_source_id           BIGINT,
    sales_manager_id         BIGINT,
    procurement_manager_id   BIGINT,
    logistics_manager_id     BIGINT,
    status                   VARCHAR NOT NULL CHECK (status IN ('need','costing','quote_sent','agreed',
                                 'procurement','production','ready_to_ship','shipped','delivered',
                                 'closed','cancelled')),
    need_date                DATE NOT NULL,                -- the customer's need recorded (order date)
    quote_sent_date          DATE,
    agreed_date              DATE,
    planned_shipment_date    DATE,                         -- sets the VAT rate
    actual_shipment_date     DATE,
    delivered_date           DATE,
    closed_date              DATE,
    cancelled_date           DATE,
    cancel_reason            VARCHAR,
    vat_rate                 DECIMAL(6,4),                 -- explicit rate; NULL = by shipment date
    payment_terms_template_id BIGINT,
    delivery_address         VARCHAR,
    comment                  VARCHAR,
    created_at               TIMESTAMP NOT NULL,
    created_by               BIGINT,
    updated_at               TIMESTAMP NOT NULL,
    updated_by               BIGINT,
    version                  INTEGER NOT NULL DEFAULT 1    -- optimistic lock: a stale save is refused
);

CREATE TABLE order_lines (
    id                  BIGINT PRIMARY KEY,
    order_id            BIGINT NOT NULL,
    line_no             INTEGER NOT NULL,
    product_id          BIGINT,                   -- NULL: made to the customer's drawing
    drawing_no          VARCHAR,
    name                VARCHAR NOT NULL,
    material_id         BIGINT NOT NULL,
    price_per_kg        DECIMAL(18,2),            -- NULL: the price list on the order's need_date
    blank_shape         VARCHAR NOT NULL CHECK (blank_shape IN ('round','hex','sheet','tube','weight')),
    diameter_mm         DECIMAL(12,3),
    across_flats_mm     DECIMAL(12,3),
    outer_diameter_mm   DECIMAL(12,3),
    wall_mm             DECIMAL(12,3),
    length_mm           DECIMAL(12,3),
    width_mm            DECIMAL(12,3),
    thickness_mm        DECIMAL(12,3),
    weight_kg           DECIMAL(18,3),
    quantity            INTEGER NOT NULL CHECK (quantity >= 1),
    complexity          DECIMAL(8,3) NOT NULL CHECK (complexity > 0),
    fixed_unit_price    DECIMAL(18,2) CHECK (fixed_unit_price >= 0),
    UNIQUE (order_id, line_no)
);

CREATE TABLE order_line_surcharges (
    line_id   BIGINT NOT NULL,
    name      VARCHAR NOT NULL,            -- heat treatment, coating, urgency, small batch ...
    pct       DECIMAL(8,2) NOT NULL,
    PRIMARY KEY (line_id, name)
);

CREATE TABLE order_expenses (
    id          BIGINT PRIMARY KEY,
    order_id    BIGINT NOT NULL,
    category    VARCHAR NOT NULL CHECK (category IN ('production','outsourcing','logistics','packaging','other')),
    planned     DECIMAL(18,2) NOT NULL CHECK (planned >= 0),
    actual      DECIMAL(18,2) CHECK (actual >= 0),
    comment     VARCHAR,
    created_at  TIMESTAMP NOT NULL,
    created_by  BIGINT
);

-- A quote (КП) is a legal document: a frozen copy of the lines and prices as issued.
CREATE TABLE quotes (
    id          BIGINT PRIMARY KEY,
    order_id    BIGINT NOT NULL,
    number      VARCHAR NOT NULL UNIQUE,   -- КП-2026-0142/2
    version     INTEGER NOT NULL,
    issued_at   TIMESTAMP NOT NULL,
    issued_by   BIGINT,
    valid_until DATE,
    vat_rate    DECIMAL(6,4) NOT NULL,
    net         DECIMAL(18,2) NOT NULL,
    vat         DECIMAL(18,2) NOT NULL,
    total       DECIMAL(18,2) NOT NULL,
    UNIQUE (order_id, version)
);

CREATE TABLE quote_lines (
    quote_id        BIGINT NOT NULL,
    line_no         INTEGER NOT NULL,
    drawing_no      VARCHAR,
    name            VARCHAR NOT NULL,
    material_grade  VARCHAR,
    quantity        INTEGER NOT NULL,
    unit_weight_kg  DECIMAL(18,3) NOT NULL,
    unit_price_net  DECIMAL(18,2) NOT NULL,
    line_net        DECIMAL(18,2) NOT NULL,
    line_vat        DECIMAL(18,2) NOT NULL,
    line_total      DECIMAL(18,2) NOT NULL,
    PRIMARY KEY (quote_id, line_no)
);

CREATE TABLE procurement_records (
    id                    BIGINT PRIMARY KEY,
    order_id              BIGINT NOT NULL,
    line_id               BIGINT NOT NULL UNIQUE,
    material_id           BIGINT NOT NULL,
    supplier              VARCHAR,
    planned_price_per_kg  DECIMAL(18,2),
    planned_mass_kg       DECIMAL(18,3),
    actual_price_per_kg   DECIMAL(18,2),
    actual_mass_kg        DECIMAL(18,3),
    actual_material_cost  DECIMAL(18,2) CHECK (actual_material_cost >= 0),  -- for the whole line
    status                VARCHAR NOT NULL CHECK (status IN ('to_order','ordered','received')),
    ordered_date          DATE,
    received_date         DATE,
    updated_at            TIMESTAMP NOT NULL,
    updated_by            BIGINT
);

CREATE TABLE shipments (
    id                BIGINT PRIMARY KEY,
    order_id          BIGINT NOT NULL,
    shipment_no       INTEGER NOT NULL,
    shipped_date      DATE,
    carrier           VARCHAR,
    waybill_no        VARCHAR,
    weight_kg         DECIMAL(18,3),
    delivery_cost     DECIMAL(18,2) CHECK (delivery_cost >= 0),
    delivery_address  VARCHAR,
    delivered_date    DATE,
    created_at        TIMESTAMP NOT NULL,
    created_by        BIGINT,
    UNIQUE (order_id, shipment_no)
);

-- The payment plan agreed with the customer: amounts are the commercial input, the due date is
-- relative to an event (agreement, shipment, delivery) and is derived once that event has a date.
CREATE TABLE payment_steps (
    id            BIGINT PRIMARY KEY,
    order_id      BIGINT NOT NULL,
    step_no       INTEGER NOT NULL,
    name          VARCHAR NOT NULL,
    pct           DECIMAL(8,2),
    amount        DECIMAL(18,2) NOT NULL CHECK (amount >= 0),
    base_event    VARCHAR NOT NULL CHECK (base_event IN ('agreed','shipped','delivered')),
    offset_days   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (order_id, step_no)
);

CREATE TABLE invoices (
    id               BIGINT PRIMARY KEY,
    number           VARCHAR NOT NULL UNIQUE,
    order_id         BIGINT NOT NULL,
    payment_step_id  BIGINT,
    issue_date       DATE NOT NULL,
    due_date         DATE NOT NULL,
    amount           DECIMAL(18,2) NOT NULL CHECK (amount > 0),   -- incl. VAT
    vat_amount       DECIMAL(18,2) NOT NULL CHECK (vat_amount >= 0),
    created_at       TIMESTAMP NOT NULL,
    created_by       BIGINT
);

CREATE TABLE payments (
    id            BIGINT PRIMARY KEY,
    order_id      BIGINT,                 -- NULL while an unmatched bank payment waits for a person
    invoice_id    BIGINT,
    customer_id   BIGINT,
    payment_date  DATE NOT NULL,
    amount        DECIMAL(18,2) NOT NULL CHECK (amount > 0),
    doc_no        VARCHAR,
    payer_inn     VARCHAR,
    purpose       VARCHAR,
    source        VARCHAR NOT NULL CHECK (source IN ('manual','bank','import')),
    source_key    VARCHAR UNIQUE,         -- natural key of an imported payment: re-import never doubles it
    created_at    TIMESTAMP NOT NULL,
    created_by    BIGINT
);

CREATE TABLE status_events (
    id           BIGINT PRIMARY KEY,
    order_id     BIGINT NOT NULL,
    from_status  VARCHAR,
    to_status    VARCHAR NOT NULL,
    changed_at   TIMESTAMP NOT NULL,
    changed_by   BIGINT,
    comment      VARCHAR
);

CREATE TABLE tasks (
    id            BIGINT PRIMARY KEY,
    order_id      BIGINT,
    event_id      BIGINT,                 -- the status event that made it (NULL: assigned by hand)
    rule_key      VARCHAR,                -- which notification rule made it
    assignee_id   BIGINT,
    role          VARCHAR NOT NULL,
    title         VARCHAR NOT NULL,
    due_date      DATE,
    state         VARCHAR NOT NULL CHECK (state IN ('open','done','cancelled')),
    created_at    TIMESTAMP NOT NULL,
    created_by    BIGINT,
    closed_at     TIMESTAMP,
    closed_by     BIGINT,
    UNIQUE (event_id, rule_key)           -- one task per event and rule, even after a crash
);

CREATE TABLE notification_outbox (
    id                 BIGINT PRIMARY KEY,
    message_id         VARCHAR NOT NULL UNIQUE,   -- fixed per (event, recipient): a resend is recognisable
    event_id           BIGINT,
    kind               VARCHAR NOT NULL,          -- status, reminder, cancel ...
    recipient_user_id  BIGINT,
    recipient_email    VARCHAR NOT NULL,
    subject            VARCHAR NOT NULL,
    body               VARCHAR NOT NULL,
    state              VARCHAR NOT NULL CHECK (state IN ('pending','sent','retry','dead')),
    attempts           INTEGER NOT NULL DEFAULT 0,
    next_attempt_at    TIMESTAMP,
    last_error         VARCHAR,
    created_at         TIMESTAMP NOT NULL,
    sent_at            TIMESTAMP
);

-- Append-only: the store only ever INSERTs here.
CREATE TABLE audit_log (
    id          BIGINT PRIMARY KEY,
    logged_at   TIMESTAMP NOT NULL,
    user_id     BIGINT,
    entity      VARCHAR NOT NULL,     -- order, order_line, quote, payment, shipment, procurement, user, permission ...
    entity_id   BIGINT,
    action      VARCHAR NOT NULL CHECK (action IN ('insert','update','delete')),
    field       VARCHAR,
    old_value   VARCHAR,
    new_value   VARCHAR
);

CREATE TABLE plant_settings (
    key    VARCHAR PRIMARY KEY,
    value  VARCHAR NOT NULL
);
