-- Schema version 6: bank statements (1CClientBankExchange) and the queue of payments a person
-- matches by hand (ingest/bank, docs/bank.md).

-- One row per imported file: who imported what, when, and what came of it.
CREATE TABLE bank_statements (
    id           BIGINT PRIMARY KEY,
    file_name    VARCHAR,
    file_sha256  VARCHAR NOT NULL,
    encoding     VARCHAR NOT NULL,
    account      VARCHAR,                 -- the statement's РасчСчет (the plant's account)
    date_from    DATE,
    date_to      DATE,
    sections     INTEGER NOT NULL,        -- СекцияДокумент sections in the file, good or bad
    incoming     INTEGER NOT NULL,
    outgoing     INTEGER NOT NULL,
    matched      INTEGER NOT NULL,        -- recorded as payments automatically
    queued       INTEGER NOT NULL,        -- left for a person
    known        INTEGER NOT NULL,        -- skipped: imported before
    rejected     INTEGER NOT NULL,        -- malformed or refused documents
    imported_at  TIMESTAMP NOT NULL,
    imported_by  BIGINT
);

-- Every incoming document taken from a statement, once: dedupe_key is (payer's account or ИНН,
-- document number, date, amount), so re-importing an overlapping statement skips it.
CREATE TABLE bank_documents (
    id             BIGINT PRIMARY KEY,
    dedupe_key     VARCHAR NOT NULL UNIQUE,
    statement_id   BIGINT NOT NULL,
    kind           VARCHAR,
    doc_no         VARCHAR NOT NULL,
    doc_date       DATE NOT NULL,
    payment_date   DATE NOT NULL,         -- ДатаПоступило, else the document's date
    amount         DECIMAL(18,2) NOT NULL CHECK (amount > 0),
    payer_inn      VARCHAR,
    payer_name     VARCHAR,
    payer_account  VARCHAR,
    payee_inn      VARCHAR,
    payee_account  VARCHAR,
    purpose        VARCHAR,
    verdict        VARCHAR NOT NULL CHECK (verdict IN ('exact','ambiguous','none')),
    payment_id     BIGINT,                -- the payment recorded automatically (exact)
    created_at     TIMESTAMP NOT NULL
);

-- Documents not matched with certainty wait here for a person: matched by hand to an invoice
-- (a normal audited payment is recorded) or ignored with a reason.
CREATE TABLE bank_queue (
    id                     BIGINT PRIMARY KEY,
    document_id            BIGINT NOT NULL UNIQUE,
    verdict                VARCHAR NOT NULL CHECK (verdict IN ('ambiguous','none')),
    reason_code            VARCHAR NOT NULL,
    reason                 VARCHAR NOT NULL,
    candidate_invoice_ids  VARCHAR NOT NULL DEFAULT '[]',   -- JSON list, best first
    status                 VARCHAR NOT NULL CHECK (status IN ('waiting','matched','ignored')),
    invoice_id             BIGINT,
    payment_id             BIGINT,
    note                   VARCHAR,                          -- why it was ignored
    created_at             TIMESTAMP NOT NULL,
    resolved_at            TIMESTAMP,
    resolved_by            BIGINT
);
