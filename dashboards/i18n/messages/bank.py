"""Bank statements: the upload, the import summary, the queue of payments to match by hand."""

MESSAGES: dict[str, tuple[str, str]] = {
    "bank.nav.title": ("Банковские выписки", "Bank statements"),
    "bank.title": ("Банковские выписки", "Bank statements"),
    "bank.finance_link": (
        "Платежи из банка ждут сопоставления: {count}",
        "Bank payments waiting to be matched: {count}",
    ),
    "bank.intro": (
        "Выписка из банка или 1С в формате 1CClientBankExchange (Windows-1251 или UTF-8). "
        "Платёж записывается сам, только если ИНН плательщика, номер счёта в назначении и сумма "
        "сходятся однозначно; остальные ждут здесь. Повторная загрузка платежи не удваивает.",
        "A statement from the bank or 1C in the 1CClientBankExchange format (Windows-1251 or "
        "UTF-8). A payment is recorded by itself only when the payer's INN, the invoice number "
        "in the purpose and the amount agree beyond doubt; the others wait here. Importing "
        "again never doubles a payment.",
    ),
    "bank.no_access": (
        "Нет доступа: банковские выписки видит роль, которая читает «платежи» по всем заказам",
        "No access: bank statements are for roles that read «payments» of every order",
    ),
    "bank.read_only": (
        "Загружать выписки и сопоставлять платежи может роль с правом записи «платежи» по всем "
        "заказам (финансы). Вам доступен просмотр.",
        "Importing statements and matching payments takes write access to «payments» of every "
        "order (finance). You can view.",
    ),
    # Upload and summary
    "bank.upload": ("Файл выписки", "Statement file"),
    "bank.upload_help": (
        "Текстовый файл, первая строка — 1CClientBankExchange (обычно kl_to_1c.txt)",
        "A text file whose first line is 1CClientBankExchange (usually kl_to_1c.txt)",
    ),
    "bank.import": ("Загрузить выписку", "Import the statement"),
    "bank.chosen": ("Выбран файл: {name}", "File chosen: {name}"),
    "bank.progress": (
        "Обработано документов: {done} из {total}",
        "Documents done: {done} of {total}",
    ),
    "bank.result.title": ("Итог загрузки: {file}", "Import result: {file}"),
    "bank.result.source": (
        "Кодировка: {encoding}; счёт: {account}",
        "Encoding: {encoding}; account: {account}",
    ),
    "bank.result.documents": ("Документов", "Documents"),
    "bank.result.incoming": ("Входящих", "Incoming"),
    "bank.result.matched": ("Записано", "Recorded"),
    "bank.result.queued": ("В очередь", "Queued"),
    "bank.result.known": ("Уже были", "Already imported"),
    "bank.result.outgoing": ("Исходящих", "Outgoing"),
    "bank.result.rejected": ("Отклонено", "Rejected"),
    "bank.result.clean": ("Выписка загружена без ошибок", "The statement was imported cleanly"),
    "bank.result.errors": (
        "Загружено, кроме отклонённых документов:",
        "Imported, except the rejected documents:",
    ),
    "bank.result.matched_list": ("Записанные платежи", "Payments recorded"),
    "bank.col.doc_no": ("Документ №", "Document no."),
    "bank.col.date": ("Дата", "Date"),
    "bank.col.payer": ("Плательщик", "Payer"),
    "bank.col.invoice": ("Счёт №", "Invoice no."),
    "bank.col.order": ("Заказ", "Order"),
    "bank.col.status": ("Состояние", "State"),
    "bank.col.note": ("Примечание", "Note"),
    "bank.col.resolved_by": ("Кто", "By"),
    "bank.col.resolved_at": ("Когда", "When"),
    "bank.col.reason": ("Причина", "Reason"),
    # The queue
    "bank.tab.queue": ("Очередь ({count})", "Queue ({count})"),
    "bank.tab.done": ("Разобранные", "Resolved"),
    "bank.tab.statements": ("Загруженные выписки", "Imported statements"),
    "bank.queue.empty": (
        "Очередь пуста: все входящие платежи сопоставлены",
        "The queue is empty: every incoming payment is matched",
    ),
    "bank.queue.item": (
        "№ {no} от {date} — {amount} — {payer}",
        "No. {no} of {date} — {amount} — {payer}",
    ),
    "bank.queue.payer": (
        "Плательщик: {name}, ИНН {inn}, счёт {account}",
        "Payer: {name}, INN {inn}, account {account}",
    ),
    "bank.queue.received": ("Поступило: {date}", "Received on: {date}"),
    "bank.queue.purpose": ("Назначение платежа: {text}", "Payment purpose: {text}"),
    "bank.queue.why": ("Причина — {verdict}: {reason}", "Reason — {verdict}: {reason}"),
    "bank.queue.candidates": ("Подходящие счета", "Likely invoices"),
    "bank.queue.no_candidates": (
        "Подходящих счетов не найдено — выберите любой открытый счёт",
        "No likely invoice — choose any open invoice",
    ),
    "bank.queue.invoice": ("Счёт для сопоставления", "Invoice to match"),
    "bank.queue.invoice_label": (
        "№ {number} · {order} · {customer} · остаток {rest}",
        "No. {number} · {order} · {customer} · left {rest}",
    ),
    "bank.queue.match": ("Сопоставить", "Match"),
    "bank.queue.matched": (
        "Платёж записан по счёту № {number}",
        "Payment recorded on invoice no. {number}",
    ),
    "bank.queue.ignore_reason": ("Причина пропуска", "Reason to skip"),
    "bank.queue.ignore": ("Пропустить", "Skip"),
    "bank.queue.ignored": ("Платёж пропущен", "Payment skipped"),
    "bank.queue.no_invoices": ("Открытых счетов нет", "No open invoices"),
    "bank.queue.outstanding": ("Остаток", "Left to pay"),
    "bank.queue.issued": ("Дата счёта", "Issued on"),
    "bank.done.empty": ("Разобранных платежей пока нет", "No resolved payments yet"),
    "bank.done.reopen_pick": (
        "Вернуть в очередь пропущенный платёж",
        "Put a skipped payment back in the queue",
    ),
    "bank.done.reopen": ("Вернуть в очередь", "Back to the queue"),
    "bank.done.reopened": ("Платёж снова в очереди", "The payment is back in the queue"),
    "bank.stmt.empty": ("Выписки ещё не загружались", "No statements imported yet"),
    "bank.stmt.file": ("Файл", "File"),
    "bank.stmt.imported_at": ("Загружена", "Imported at"),
    "bank.stmt.by": ("Кем", "By"),
    "bank.stmt.account": ("Счёт", "Account"),
    "bank.stmt.period": ("Период", "Period"),
    # Verdicts, states and reasons (ingest/bank/matching.py REASONS)
    "bank.verdict.ambiguous": ("Неоднозначно", "Ambiguous"),
    "bank.verdict.none": ("Не найдено", "No match"),
    "bank.status.waiting": ("ждёт", "waiting"),
    "bank.status.matched": ("сопоставлен", "matched"),
    "bank.status.ignored": ("пропущен", "skipped"),
    "bank.reason.several_invoices": ("несколько счетов", "several invoices"),
    "bank.reason.other_customer": ("счёт другого заказчика", "another customer's invoice"),
    "bank.reason.payer_not_customer": ("плательщик не заказчик", "payer is not a customer"),
    "bank.reason.date_differs": ("дата счёта не совпадает", "invoice date differs"),
    "bank.reason.order_cancelled": ("заказ отменён", "order cancelled"),
    "bank.reason.already_paid": ("счёт уже оплачен", "invoice already paid"),
    "bank.reason.amount_exceeds": ("сумма больше остатка", "amount exceeds what is left"),
    "bank.reason.no_invoice_number": ("нет номера счёта", "no invoice number"),
    "bank.reason.unknown_invoice": ("счёт не найден", "invoice not found"),
    "bank.reason.unknown_payer": ("плательщик не найден", "payer not found"),
    "bank.reason.no_payer_inn": ("нет ИНН плательщика", "no payer INN"),
    "bank.reason.bad_payer_inn": ("неверный ИНН плательщика", "invalid payer INN"),
    "bank.reason.no_open_invoices": ("нет открытых счетов", "no open invoices"),
}
