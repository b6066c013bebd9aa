"""A data file in memory: documents by natural key, TinyDB doc IDs that are never reused."""
from kiosk.storage.tinydb.files import DataFile, encode_tables
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
