// The kiosk's IndexedDB: outbox, dead_letter and state (sync.md). Every write is 'strict':
// the browser reports it done only once it is on disk, so a booking shown is a booking kept.
const DB_NAME = "madoguchi";
const VERSION = 1;
let opening = null;

export function openDb() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        const outbox = db.createObjectStore("outbox", { keyPath: "op_id" });
        outbox.createIndex("seq", "seq", { unique: true });
        db.createObjectStore("dead_letter", { keyPath: "op_id" });
        db.createObjectStore("state", { keyPath: "key" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return opening;
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = tx.onerror = () => reject(tx.error || new Error("transaction aborted"));
  });
}

function result(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Run `work(stores)` in one read-write transaction that is durable when it resolves. */
export async function write(names, work) {
  const db = await openDb();
  const tx = db.transaction(names, "readwrite", { durability: "strict" });
  const stores = Object.fromEntries([].concat(names).map((n) => [n, tx.objectStore(n)]));
  const value = await work(stores);
  await done(tx);
  return value;
}

export async function getAll(name) {
  const db = await openDb();
  const tx = db.transaction(name, "readonly");
  const store = tx.objectStore(name);
  return result(name === "outbox" ? store.index("seq").getAll() : store.getAll());
}

export async function count(name) {
  const db = await openDb();
  return result(db.transaction(name, "readonly").objectStore(name).count());
}

export async function getState(key, fallback = null) {
  const db = await openDb();
  const row = await result(db.transaction("state", "readonly").objectStore("state").get(key));
  return row ? row.value : fallback;
}

export function setState(key, value) {
  return write("state", ({ state }) => state.put({ key, value }));
}
