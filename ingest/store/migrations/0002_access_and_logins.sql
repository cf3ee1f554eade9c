-- Schema version 2: the access matrix as data, and login throttling on users.

-- Field group x role -> access; "own" scope limits a role to orders where the user is the
-- responsible sales manager (a head of sales is not limited). Admin-editable; enforced by the store.
CREATE TABLE access_rules (
    role         VARCHAR NOT NULL,
    field_group  VARCHAR NOT NULL CHECK (field_group IN ('header','prices','procurement','logistics',
                     'payment_plan','payments','economics','contacts')),
    access       VARCHAR NOT NULL CHECK (access IN ('none','read','write')),
    scope        VARCHAR NOT NULL DEFAULT 'all' CHECK (scope IN ('all','own')),
    PRIMARY KEY (role, field_group)
);

INSERT INTO access_rules (role, field_group, access, scope)
SELECT r.role, g.field_group,
       CASE
         WHEN r.role = 'admin' AND g.field_group = 'header' THEN 'write'
         WHEN r.role IN ('admin', 'leadership') THEN 'read'
         WHEN r.role = 'sales' THEN CASE g.field_group
             WHEN 'header' THEN 'write' WHEN 'prices' THEN 'write' WHEN 'logistics' THEN 'read'
             WHEN 'payment_plan' THEN 'write' WHEN 'payments' THEN 'read' WHEN 'contacts' THEN 'write'
             ELSE 'none' END
         WHEN r.role = 'procurement' THEN CASE g.field_group
             WHEN 'header' THEN 'read' WHEN 'procurement' THEN 'write' ELSE 'none' END
         WHEN r.role = 'production' THEN CASE g.field_group
             WHEN 'header' THEN 'read' WHEN 'procurement' THEN 'read' ELSE 'none' END
         WHEN r.role = 'logistics' THEN CASE g.field_group
             WHEN 'header' THEN 'read' WHEN 'logistics' THEN 'write' WHEN 'contacts' THEN 'read' ELSE 'none' END
         WHEN r.role = 'finance' THEN CASE g.field_group
             WHEN 'payment_plan' THEN 'write' WHEN 'payments' THEN 'write' ELSE 'read' END
       END AS access,
       CASE WHEN r.role = 'sales' THEN 'own' ELSE 'all' END AS scope
FROM (VALUES ('sales'), ('procurement'), ('production'), ('logistics'), ('finance'),
             ('leadership'), ('admin')) AS r(role)
CROSS JOIN (VALUES ('header'), ('prices'), ('procurement'), ('logistics'), ('payment_plan'),
                   ('payments'), ('economics'), ('contacts')) AS g(field_group);

ALTER TABLE users ADD COLUMN failed_logins INTEGER DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until TIMESTAMP;
ALTER TABLE users ADD COLUMN password_changed_at TIMESTAMP;
