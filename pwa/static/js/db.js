// The kiosk's IndexedDB: outbox, dead_letter and state (sync.md), through the idb library. Every
// write is 'strict': the browser reports it done only once it is on disk, so a booking shown is a
// booking kept.
import { openDB } from "./vendor/idb.js";

const DB_NAME = "madoguchi";
const VERSION = 1;
let opening = null;

export function openDb() {
  opening ||= openDB(DB_NAME, VERSION, {
    upgrade(db) {
      const outbox = db.createObjectStore("outbox", { keyPath: "op_id" });
      outbox.createIndex("seq", "seq", { unique: true });
      db.createObjectStore("dead_letter", { keyPath: "op_id" });
      db.createObjectStore("state", { keyPath: "key" });
    },
  });
  return opening;
}

/** Run `work(stores)` in one read-write transaction that is durable when it resolves; a throw aborts it. */
export async function write(names, work) {
  const db = await openDb();
  const tx = db.transaction(names, "readwrite", { durability: "strict" });
  const stores = Object.fromEntries([].concat(names).map((n) => [n, tx.objectStore(n)]));
  try {
    const value = await work(stores);
    await tx.done;
    return value;
  } catch (err) {
    tx.done.catch(() => {});
    try { tx.abort(); } catch { /* already finished */ }
    throw err;
  }
}

/** Every record of a store; the outbox in `seq` order. */
export async function getAll(name) {
  const db = await openDb();
  return name === "outbox" ? db.getAllFromIndex("outbox", "seq") : db.getAll(name);
}

export async function count(name) {
  return (await openDb()).count(name);
}

/** A value of the state store, read inside an open transaction (`state` is its store). */
export async function stored(state, key, fallback = null) {
  const row = await state.get(key);
  return row ? row.value : fallback;
}

export async function getState(key, fallback = null) {
  const row = await (await openDb()).get("state", key);
  return row ? row.value : fallback;
}

export function setState(key, value) {
  return write("state", ({ state }) => state.put({ key, value }));
}
