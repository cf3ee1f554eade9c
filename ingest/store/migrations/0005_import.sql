-- Schema version 5: spreadsheet import (ingest/importing, docs/import.md).

-- Column mappings confirmed by a user in the app, one per import kind and file layout (the
-- layout's fingerprint hashes the normalized header labels in order). The CLI uses the saved
-- mapping of a file with the same layout unless it is given --mapping FILE.
-- columns: {"field": "header label as shown in the file" | null}; header: the labels, in order.
CREATE TABLE import_mappings (
    kind         VARCHAR NOT NULL CHECK (kind IN ('customers','products','materials','orders',
                     'payments')),
    fingerprint  VARCHAR NOT NULL,
    columns      JSON NOT NULL,
    header       JSON NOT NULL,
    saved_at     TIMESTAMP NOT NULL,
    saved_by     BIGINT,
    PRIMARY KEY (kind, fingerprint)
);

-- One row per import that wrote to the store (a dry run or a refused all-or-nothing import
-- writes nothing, this row included): what came in, from which file, by whom. The rows
-- themselves are in audit_log like every other change (entity customer/product/material/
-- material_price/order/order_line/payment, action insert/update).
CREATE TABLE import_runs (
    id            BIGINT PRIMARY KEY,
    kind          VARCHAR NOT NULL,
    file_name     VARCHAR NOT NULL,
    sheet         VARCHAR,
    fingerprint   VARCHAR NOT NULL,
    data_rows     INTEGER NOT NULL,
    imported      INTEGER NOT NULL,
    updated       INTEGER NOT NULL,
    skipped       INTEGER NOT NULL,
    rejected_rows INTEGER NOT NULL,
    started_at    TIMESTAMP NOT NULL,
    user_id       BIGINT
);
