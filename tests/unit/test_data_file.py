"""A data file in memory: documents by natural key, TinyDB doc IDs that are never reused, memory
that is what its documents take."""
import tracemalloc

import orjson

from kiosk.storage.tinydb.files import ENTRY_COST, DataFile, encode, encode_tables
from kiosk.storage.tinydb.layout import key_of


def loaded(tmp_path, docs: dict) -> DataFile:
    path = tmp_path / "day.json"
    path.write_bytes(encode_tables({"bookings": {k: (int(i), f'{{"booking_id":"{k}"}}'.encode()) for i, k in docs.items()}}))
    return DataFile.load("day.json", path, key_of)


def test_a_new_document_after_a_replaced_one_gets_an_id_no_document_has(tmp_path):
    data = loaded(tmp_path, {"1": "a", "2": "b"})
    data.put("bookings", "a", (1, b'{"booking_id":"a","status":"cancelled"}'))   # a change to the first one
    new_id = data.new_doc_id("bookings")
    assert new_id == 3
    data.put("bookings", "c", (new_id, b'{"booking_id":"c"}'))
    ids = [doc_id for doc_id, _ in data.tables["bookings"].values()]
    assert len(ids) == len(set(ids)) == 3


def test_a_snapshot_for_a_checkpoint_keeps_its_content_while_the_file_changes(tmp_path):
    data = loaded(tmp_path, {"1": "a"})
    snapshot = data.freeze()
    data.put("bookings", "b", (data.new_doc_id("bookings"), b'{"booking_id":"b"}'))
    data.put("bookings", "a", None)
    assert list(snapshot["bookings"]) == ["a"] and list(data.tables["bookings"]) == ["b"]


def test_an_encoded_document_is_the_json_orjson_writes():
    doc = {"booking_id": "a", "start": "2026-12-03T10:00:00+09:00", "history": [], "note": "面談"}
    assert encode(doc) == orjson.dumps(doc)


def test_a_loaded_file_keeps_its_documents_in_little_more_memory_than_their_json(tmp_path):
    data = loaded(tmp_path, {str(i): f"booking-{i}" for i in range(1, 201)})   # about 35 bytes of JSON each
    tracemalloc.start()
    try:
        data = loaded(tmp_path, {str(i): f"booking-{i}" for i in range(1, 201)})
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert data.count("bookings") == 200
    assert held < 200 * (35 + ENTRY_COST) * 2          # orjson's own results kept 4 KB each


def test_a_file_s_memory_estimate_follows_its_documents(tmp_path):
    data = loaded(tmp_path, {"1": "a"})
    before = data.size
    doc = b'{"booking_id":"b"}'
    data.put("bookings", "b", (data.new_doc_id("bookings"), doc))
    assert data.size == before + len(doc) + ENTRY_COST
    data.put("bookings", "b", None)
    assert data.size == before
