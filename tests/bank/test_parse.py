"""Reading 1CClientBankExchange files as banks and 1C really write them: encodings, line breaks,
unknown and missing keys, account sections, and documents broken in every way a file can be."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from statement_files import (
    OTHER_ACCOUNT,
    PLANT_ACCOUNT,
    PLANT_INN,
    encode,
    incoming,
    outgoing,
    statement,
)

from ingest.bank.parse import (
    NotAStatementError,
    StatementError,
    parse_amount,
    parse_date,
    parse_statement,
)

DAY = date(2026, 11, 20)
PURPOSE = "Оплата по счету № 142 от 03.03.2026, в т.ч. НДС 22% — 2 226,23 руб."


def _doc(number: str = "101", amount: str = "12345.67", **kw):
    kw.setdefault("payer_inn", "7707083893")
    kw.setdefault("purpose", PURPOSE)
    return incoming(number, DAY, amount, **kw)


@pytest.mark.parametrize(
    ("encoding", "label", "newline", "bom"),
    [
        ("cp1251", "Windows", "\r\n", False),
        ("cp1251", "Windows", "\n", False),
        ("utf-8", "Windows", "\r\n", False),  # the label lies: the bytes decide
        ("utf-8", "UTF-8", "\n", True),
        ("cp866", "DOS", "\r\n", False),
        ("cp1251", "Windows", "\r", False),
    ],
)
def test_encodings_and_line_breaks(encoding, label, newline, bom):
    text = statement([_doc("101"), _doc("102", "1 000,50"), outgoing("7", DAY, "500")], label=label)
    # DOS (CP866) has no «», — : such files use plain quotes and hyphens.
    plain = str.maketrans({"«": '"', "»": '"', "—": "-"}) if encoding == "cp866" else {}
    parsed = parse_statement(encode(text.translate(plain), encoding, newline=newline, bom=bom))
    assert parsed.encoding == encoding
    assert parsed.errors == ()
    assert parsed.sections == 3
    first, second, out = parsed.documents
    assert first.number == "101" and first.amount == Decimal("12345.67")
    assert first.purpose == PURPOSE.translate(plain)  # Cyrillic, «», — survive the trip
    assert first.payer_name == "ООО «Заказчик»".translate(plain)
    assert first.payer_inn == "7707083893" and first.payee_inn == PLANT_INN
    assert first.payee_account == PLANT_ACCOUNT and first.payer_account == OTHER_ACCOUNT
    assert first.date == DAY and first.received == DAY and first.written_off is None
    assert first.kind == "Платежное поручение"
    assert second.amount == Decimal("1000.50")
    assert out.written_off == DAY and out.received is None
    assert parsed.accounts == (PLANT_ACCOUNT,)
    assert (parsed.date_from, parsed.date_to) == (date(2026, 11, 1), date(2026, 11, 28))
    assert parsed.header_value("ВерсияФормата") == "1.03"


def test_unknown_keys_are_kept_and_missing_optional_keys_are_fine():
    minimal = [("Номер", "5"), ("Дата", "20.11.2026"), ("Сумма", "100"),
               ("ПолучательСчет", PLANT_ACCOUNT), ("НовоеПолеБанка2027", "что-то")]  # fmt: skip
    text = statement(
        [_doc(extra=[("КодУИП", "0"), ("СтатусСоставителя", "")]), minimal],
        header_extra=[("НеизвестныйКлюч", "x"), ("Отправитель", "Банк")],
        account_section=False,
    )
    parsed = parse_statement(encode(text))
    assert parsed.errors == ()
    full, bare = parsed.documents
    assert ("КодУИП", "0") in full.fields
    assert bare.payer_inn is None and bare.payer_name is None and bare.purpose == ""
    assert bare.received is None and ("НовоеПолеБанка2027", "что-то") in bare.fields
    assert parsed.header_value("НеизвестныйКлюч") == "x"


def test_account_section_and_several_accounts():
    text = statement([_doc()], account=PLANT_ACCOUNT).replace(
        "КонецРасчСчет",
        "КонецРасчСчет\nСекцияРасчСчет\nРасчСчет=40702810000000000001\nКонецРасчСчет",
    )
    parsed = parse_statement(encode(text))
    assert parsed.accounts == (PLANT_ACCOUNT, "40702810000000000001")
    assert len(parsed.documents) == 1


def test_a_statement_without_its_account_in_the_header():
    parsed = parse_statement(encode(statement([_doc()], account=None)))
    assert parsed.accounts == () and len(parsed.documents) == 1


def test_purpose_split_over_several_keys_and_control_characters():
    doc = _doc(purpose="Оплата по счету\x0b№ 142")
    doc += [("НазначениеПлатежа2", "НДС нет"), ("НазначениеПлатежа1", "от 03.03.2026,")]
    parsed = parse_statement(encode(statement([doc])))
    assert parsed.documents[0].purpose == "Оплата по счету № 142 от 03.03.2026, НДС нет"


def test_a_malformed_document_is_reported_and_the_others_are_read():
    bad = _doc("13", amount="12,34,5")
    bad = [(k, "32.11.2026" if k == "Дата" else v) for k, v in bad]
    text = statement([_doc("12"), bad, _doc("14")])
    parsed = parse_statement(encode(text))
    assert [d.number for d in parsed.documents] == ["12", "14"]
    assert parsed.sections == 3
    fields = {(e.doc_number, e.field) for e in parsed.errors}
    assert fields == {("13", "Дата"), ("13", "Сумма")}
    line = text.splitlines().index("Номер=13") + 2  # the Дата line follows Номер
    date_error = next(e for e in parsed.errors if e.field == "Дата")
    assert date_error.line == line
    assert (
        str(date_error) == f"документ № 13 (строка {line}), поле Дата: такой даты нет: «32.11.2026»"
    )


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("Сумма", "", "не заполнено"),
        ("Сумма", "-100.00", "не сумма"),
        ("Сумма", "0.00", "больше нуля"),
        ("Сумма", "100.005", "больше двух знаков"),
        ("Сумма", "1e5", "не сумма"),
        ("Сумма", "99999999999999999.00", "слишком большая"),
        ("Дата", "2026-11-20", "не дата"),
        ("Дата", "29.02.2026", "такой даты нет"),
        ("Номер", "", "не заполнено"),
        ("ПлательщикИНН", "77070838", "10 или 12 цифр"),
        ("ПлательщикИНН", "ООО Ромашка", "10 или 12 цифр"),
        ("ПолучательСчет", "4070281090000001234", "20 цифр"),
        ("ДатаПоступило", "вчера", "не дата"),
    ],
)
def test_each_bad_field_rejects_its_document_naming_the_field(key, value, reason):
    doc = [(k, value if k == key else v) for k, v in _doc("77")]
    parsed = parse_statement(encode(statement([doc, _doc("78")])))
    assert [d.number for d in parsed.documents] == ["78"]
    assert [e.field for e in parsed.errors] == [key]
    assert reason in parsed.errors[0].reason


def test_a_missing_required_key_and_a_document_without_a_number():
    doc = [(k, v) for k, v in _doc("77") if k not in ("Номер", "Сумма")]
    parsed = parse_statement(encode(statement([doc])))
    assert parsed.documents == ()
    assert {(e.doc_number, e.field, e.reason) for e in parsed.errors} == {
        (None, "Номер", "не заполнено"),
        (None, "Сумма", "не заполнено"),
    }
    assert str(parsed.errors[0]).startswith("документ без номера (строка ")


def test_an_invalid_inn_checksum_is_not_a_rejection():
    # The money arrived all the same: matching sends it to the queue instead (test_matching).
    parsed = parse_statement(encode(statement([_doc(payer_inn="7707083890")])))
    assert parsed.errors == () and parsed.documents[0].payer_inn == "7707083890"


def test_zero_inn_means_none():
    parsed = parse_statement(encode(statement([_doc(payer_inn="0")])))
    assert parsed.documents[0].payer_inn is None


def test_a_key_repeated_with_another_value_rejects_the_document():
    doc = [*_doc("77"), ("Сумма", "1.00")]
    same_twice = [*_doc("78"), ("Сумма", "12345.67")]
    parsed = parse_statement(encode(statement([doc, same_twice])))
    assert [d.number for d in parsed.documents] == ["78"]
    assert parsed.errors[0].field == "Сумма" and "повторяется" in parsed.errors[0].reason


def test_unterminated_documents_and_a_truncated_file():
    text = statement([_doc("1"), "СекцияДокумент=Платежное поручение\nНомер=2\nСумма=5", _doc("3")])
    text += "СекцияДокумент=Платежное поручение\nНомер=4\nДата=20.11.2026\nСумма=1\n"
    parsed = parse_statement(encode(text))  # КонецФайла comes before document 4's section
    assert [d.number for d in parsed.documents] == ["1", "3"]
    reasons = [(e.doc_number, e.reason) for e in parsed.errors]
    assert ("2", "документ не закончен строкой КонецДокумента") in reasons
    truncated = statement([_doc("1"), _doc("2")], end=False).rsplit("КонецДокумента", 1)[0]
    parsed = parse_statement(encode(truncated))
    assert [d.number for d in parsed.documents] == ["1"]
    assert [e.doc_number for e in parsed.errors] == ["2", None]
    assert "КонецФайла" in str(parsed.errors[-1])


def test_a_line_without_equals_sign_inside_a_document():
    doc = "\n".join(
        [
            "СекцияДокумент=Платежное поручение",
            "Номер=9",
            "Дата=20.11.2026",
            "Сумма=1",
            "мусор",
            "КонецДокумента",
        ]
    )
    parsed = parse_statement(encode(statement([doc, _doc("10")])))
    assert [d.number for d in parsed.documents] == ["10"]
    assert "без «=»" in str(parsed.errors[0]) and parsed.errors[0].doc_number == "9"


def test_blank_lines_spaces_and_stray_lines_are_tolerated():
    text = statement([_doc("1")]).replace("\n", "\n  \n")
    text = text.replace("КонецРасчСчет", "КонецРасчСчет\nКакаяТоСтрокаБанка")
    parsed = parse_statement(encode(text))
    assert parsed.errors == () and len(parsed.documents) == 1


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"PK\x03\x04\x14\x00\x06\x00",  # an .xlsx
        "Номер;Дата;Сумма\n1;20.11.2026;100\n".encode("cp1251"),
        b"\xef\xbb\xbfnot a statement",
        b"1CClientBankExchange\x00\x00binary",
        b"\xef\xbb\xbf1CClientBankExchange\n\xff\xfe",
    ],
)
def test_not_a_statement(data):
    with pytest.raises(NotAStatementError) as caught:
        parse_statement(data)
    assert str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12345.67", "12345.67"),
        ("12 345,67", "12345.67"),
        ("12\u00a0345,67", "12345.67"),
        ("1 000 000", "1000000.00"),
        ("5", "5.00"),
        ("0.5", "0.50"),
        (" 7,1 ", "7.10"),
    ],
)
def test_amounts(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["12 34,00", "1.234,00", "12345.678", "+5", "--5", "5.", "₽5"])
def test_bad_amounts(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_dates():
    assert parse_date("3.3.2026") == date(2026, 3, 3)
    assert parse_date("03.03.2026") == date(2026, 3, 3)
    for bad in ("03.03.26", "31.04.2026", "2026.03.03", ""):
        with pytest.raises(ValueError):
            parse_date(bad)


def test_statement_error_texts():
    assert str(StatementError("нет строки КонецФайла")) == "нет строки КонецФайла"
    assert str(StatementError("x", 7)) == "строка 7, x"
    assert str(StatementError("x", 7, "15", "Сумма")) == "документ № 15 (строка 7), поле Сумма: x"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("Сумма", "١٢٣"),
        ("Сумма", "１２"),
        ("ПлательщикИНН", "７７０７０８３８９３"),
        ("ПолучательСчет", "４０７０２８１０９０００００００１２３４５"),
        ("Дата", "２０.１１.２０２６"),
    ],
)
def test_only_ascii_digits_are_digits(key, value):
    doc = [(k, value if k == key else v) for k, v in _doc("77")]
    parsed = parse_statement(encode(statement([doc]), "utf-8"))
    assert parsed.documents == () and [e.field for e in parsed.errors] == [key]


def test_windows_1251_with_a_byte_it_does_not_define():
    data = encode(statement([_doc("1")])).replace(
        "НДС".encode("cp1251"), b"\x98" + "НДС".encode("cp1251")
    )
    parsed = parse_statement(data)
    assert parsed.encoding == "cp1251" and parsed.errors == ()
    assert "\ufffdНДС 22%" in parsed.documents[0].purpose
