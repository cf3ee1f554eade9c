"""The access-checked door into the store: every read and write carries the acting user.

    desk = Desk(store, "ivanov")
    with desk.writing() as a:            # one short write transaction, as ivanov
        order_id, number = orders.create_order(a, draft)
    with desk.reading() as a:
        card = orders.get_order(a, order_id)

Each function takes an `Acting` (connection + actor + access matrix + clock), checks the
field-group x role matrix (ingest/access) and the own-orders scope before it reads or writes,
and raises PermissionDeniedError otherwise. The app, the CLI and exports use only this package;
ingest/repos holds the unchecked primitives it is built on (also used by the demo generator).
"""

from ingest.service.acting import Acting, acting
from ingest.service.desk import Desk

__all__ = ["Acting", "Desk", "acting"]
