"""The one exception type of the pricing library.

Callers (CLI, order card, pipeline) show ``str(error)`` to people, so it is a single Russian line
that says where the problem is (line, order, expense) and which input field is wrong.
"""

from __future__ import annotations


def _one_line(text: str) -> str:
    # Ids come from user JSON/files; a newline in an id must not break the one-line contract.
    return " ".join(str(text).split())


class PricingError(ValueError):
    """Invalid pricing input (or a result that does not fit the money columns).

    ``line_id`` is the line's id as text (None for order-level problems), ``field`` the input
    field name as in the JSON contract / frame column, ``reason`` the Russian explanation and
    ``where`` the human prefix (``строка 2``, ``заказ``, ``расход 1``...).
    """

    def __init__(
        self,
        field: str,
        reason: str,
        *,
        line_id: str | None = None,
        where: str | None = None,
    ) -> None:
        self.line_id = None if line_id is None else str(line_id)
        self.field = field
        self.reason = reason
        if where is None:
            where = "заказ" if self.line_id is None else f"строка {self.line_id}"
        self.where = _one_line(where)
        super().__init__(f"{self.where}, поле {_one_line(field)}: {_one_line(reason)}")

    def __reduce__(self):
        # Keyword-only arguments defeat the default exception pickling (multiprocess runners).
        return (_rebuild, (self.field, self.reason, self.line_id, self.where))

    @classmethod
    def for_line(cls, line_id: object, field: str, reason: str) -> PricingError:
        return cls(field, reason, line_id=str(line_id))

    @classmethod
    def for_order(cls, field: str, reason: str, order_id: object = None) -> PricingError:
        where = "заказ" if order_id is None else f"заказ {order_id}"
        return cls(field, reason, where=where)

    @classmethod
    def for_expense(
        cls, number: object, field: str, reason: str, order_id: object = None
    ) -> PricingError:
        where = f"расход {number}" if order_id is None else f"расход {number} заказа {order_id}"
        return cls(field, reason, where=where)

    @classmethod
    def for_table(cls, table: str, field: str, reason: str) -> PricingError:
        # Schema problems of a whole frame (missing column, wrong dtype): no row to blame.
        return cls(field, reason, where=f"таблица {table}")


def _rebuild(field: str, reason: str, line_id: str | None, where: str) -> PricingError:
    return PricingError(field, reason, line_id=line_id, where=where)
