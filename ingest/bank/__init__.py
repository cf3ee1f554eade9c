"""Bank statements (1CClientBankExchange): read, match to invoices, import, and the queue.

    statement = parse.parse_statement(data)              # pure: bytes -> Statement
    with Desk(store, "pavlov").writing() as a:           # one transaction per statement
        result = importer.import_statement(a, statement, file_name=..., file_sha256=...)
    with Desk(store, "pavlov").writing() as a:
        queue.match_by_hand(a, queue_id, invoice_id)      # or queue.ignore(a, queue_id, reason)

parse.py (the format), purpose.py (invoice numbers in НазначениеПлатежа) and matching.py (the
rules) are pure; importer.py and queue.py are the store side; recording.py holds the access
rule and the one way a bank payment is recorded. docs/bank.md describes it all.
"""
