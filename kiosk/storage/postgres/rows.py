"""Records as rows: each table's key and query columns, and reads and writes that keep versions
(unit.py says why). A record is stored whole as jsonb (its to_record()) beside those columns."""
from dataclasses import dataclass
from functools import cached_property
from typing import Callable

from psycopg.types.json import Jsonb

from ..errors import TransactionConflict
from .setup import SETUP_TABLES, VERSION, SetupCache


@dataclass(frozen=True)
class Table:
    name: str
    keys: tuple                 # the key columns after office_id
    key_of: Callable            # record -> key values, as the columns hold them
    parse: Callable             # stored dict -> record
    columns: tuple = ()         # columns besides the key that queries and guards need
    values_of: Callable = lambda record: ()
    dump: Callable = lambda record: record.to_record()

    @cached_property
    def select(self) -> str:
        return f"SELECT record, version, {', '.join(self.keys)} FROM {self.name} WHERE office_id = %s"

    @cached_property
    def by_key(self) -> str:
        return self.select + "".join(f" AND {k} = %s" for k in self.keys)

    @cached_property
    def insert(self) -> str:
        names = ("office_id",) + self.keys + self.columns + ("record",)
        return f"INSERT INTO {self.name} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})"

    @cached_property
    def upsert(self) -> str:
        sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in self.columns + ("record",))
        return (f"{self.insert} ON CONFLICT (office_id, {', '.join(self.keys)}) DO UPDATE SET {sets}, "
                f"version = {self.name}.version + 1 RETURNING version")

    @cached_property
    def update(self) -> str:
        sets = ", ".join(f"{c} = %s" for c in self.columns + ("record",))
        where = "".join(f" AND {k} = %s" for k in self.keys)
        return (f"UPDATE {self.name} SET {sets}, version = version + 1 WHERE office_id = %s{where} "
                f"AND version = %s RETURNING version")

    @cached_property
    def delete(self) -> str:
        return f"DELETE FROM {self.name} WHERE office_id = %s" + "".join(f" AND {k} = %s" for k in self.keys)


class Rows:
    """One office's reads and writes of records, inside the thread's transaction. Reads marked
    `setup` (rooms, closures, terms, rules) go through the process's SetupCache (setup.py)."""

    def __init__(self, transactions, office_id: int, setup: SetupCache):
        self._tx = transactions
        self.office_id = office_id
        self._setup = setup

    def _rows(self, sql: str, params=()) -> list[tuple]:
        return self._tx.rows(self.office_id, sql, (self.office_id, *params))

    def _read(self, table: Table, sql: str, params=(), setup: bool = False) -> list[tuple]:
        """(record, version, key) of each row the query finds."""
        if setup:
            tx = self._tx.open(self.office_id)
            if self.office_id not in tx.setup_written:
                version = tx.setup_versions.get(self.office_id)
                if version is None:
                    version = tx.setup_versions[self.office_id] = self._rows(VERSION)[0][0]
                return self._setup.rows(self.office_id, version, (sql, params),
                                        lambda: self._read(table, sql, params))
        return [(table.parse(record), version, tuple(key)) for record, version, *key in self._rows(sql, params)]

    def _setup_read_again(self) -> None:
        """The transaction's next setup read asks for the office's setup version again."""
        self._tx.open(self.office_id).setup_versions.pop(self.office_id, None)

    def _seen(self, table: Table, found) -> list:
        versions = self._tx.open(self.office_id).versions
        for _, version, key in found:
            versions.setdefault((table.name, key), version)   # the first version read is what we decided on
        return [record for record, _, _ in found]

    def _get(self, table: Table, *key, setup: bool = False):
        """The record with this key, or None (remembered as absent: writing it later inserts)."""
        found = self._seen(table, self._read(table, table.by_key, key, setup))
        if not found:
            self._tx.open(self.office_id).versions.setdefault((table.name, key), 0)
            return None
        return found[0]

    def _all(self, table: Table, where: str = "", params=(), order: str = "seq", limit: int | None = None,
             setup: bool = False) -> list:
        sql = table.select + (f" AND {where}" if where else "") + f" ORDER BY {order}"
        return self._seen(table, self._read(table, sql + (f" LIMIT {int(limit)}" if limit else ""), params, setup))

    def _first(self, table: Table, where: str, params=()):
        found = self._all(table, where, params, limit=1)
        return found[0] if found else None

    def _save(self, table: Table, record) -> None:
        key = tuple(table.key_of(record))
        values = (*table.values_of(record), Jsonb(table.dump(record)))
        tx = self._written(table)
        read = tx.versions.get((table.name, key))
        if read is None:
            row = self._rows(table.upsert, (*key, *values))
        elif read == 0:
            row = self._rows(table.insert + " RETURNING version", (*key, *values))
        else:
            row = self._tx.rows(self.office_id, table.update, (*values, self.office_id, *key, read))
            if not row:     # written by another transaction since we read it
                raise TransactionConflict()
        tx.versions[(table.name, key)] = row[0][0]

    def _delete(self, table: Table, *key) -> int:
        tx = self._written(table)
        removed = self._tx.count(self.office_id, table.delete, (self.office_id, *key))
        tx.versions[(table.name, key)] = 0
        return removed

    def _written(self, table: Table):
        """The transaction, told that it is about to write `table`."""
        tx = self._tx.open(self.office_id)
        if table.name in SETUP_TABLES:
            tx.setup_written.add(self.office_id)
        return tx
