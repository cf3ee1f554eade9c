-- Schema version 3: who may record order expenses, and the order each audit row belongs to.

-- domain.md's matrix has no row for entering expenses, yet production records its expenses and
-- finance the rest. A separate field group keeps that apart from "economics" (reading costs,
-- profit and efficiency), which production must not see. The CHECK list changes, so the table
-- is rebuilt (DuckDB cannot alter a CHECK constraint).
CREATE TABLE access_rules_v3 (
    role         VARCHAR NOT NULL,
    field_group  VARCHAR NOT NULL CHECK (field_group IN ('header','prices','procurement','logistics',
                     'payment_plan','payments','economics','contacts','expenses')),
    access       VARCHAR NOT NULL CHECK (access IN ('none','read','write')),
    scope        VARCHAR NOT NULL DEFAULT 'all' CHECK (scope IN ('all','own')),
    PRIMARY KEY (role, field_group)
);
INSERT INTO access_rules_v3 SELECT role, field_group, access, scope FROM access_rules;
INSERT INTO access_rules_v3 (role, field_group, access, scope)
SELECT role,
       'expenses',
       CASE WHEN role IN ('production', 'finance') THEN 'write'
            WHEN role IN ('leadership', 'admin') THEN 'read'
            ELSE 'none' END,
       'all'
FROM (VALUES ('sales'), ('procurement'), ('production'), ('logistics'), ('finance'),
             ('leadership'), ('admin')) AS r(role);
DROP TABLE access_rules;
ALTER TABLE access_rules_v3 RENAME TO access_rules;

-- The order a change belongs to (lines, quotes, shipments, payments... of that order), so the
-- order card's history is one indexed query. NULL for users and permissions.
ALTER TABLE audit_log ADD COLUMN order_id BIGINT;
