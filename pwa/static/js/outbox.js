// The outbox (sync.md): a booking is an op written here before the visitor sees it confirmed.
// One pusher at a time (navigator.locks), triggered by the write itself, the `online` event,
// Background Sync where the browser has it, and a backoff timer with jitter (cap 60 s).
import { count, getAll, getState, setState, write } from "./db.js";

const BATCH = 50;                 // ops per request (well under the server's body limit)
const MAX_BACKOFF_MS = 60_000;
const APP_VERSION = "1";
const listeners = new Set();
let backoffMs = 1_000;
let timer = null;
let clockOffsetMs = 0;           // kiosk clock minus server clock, from the last sync

export const uuid = () => crypto.randomUUID();

/** Tell the UI what changed: {online, waiting, deadLetters, lastSync, needsEnrollment}. */
export function onStatus(listener) { listeners.add(listener); return () => listeners.delete(listener); }

async function announce(extra = {}) {
  const status = {
    online: navigator.onLine, waiting: await count("outbox"), deadLetters: await count("dead_letter"),
    lastSync: await getState("last_sync"), needsEnrollment: Boolean(await getState("needs_enrollment")), ...extra,
  };
  listeners.forEach((listener) => listener(status));
  return status;
}

const slipsWanted = new Set();   // op_ids whose visitor waits at the screen for the slip

/** Write an op durably; resolves with it once it is on disk. Then a push starts.
 *  With `wantSlip`, the server's answer carries the slip's QR code. */
export async function enqueue(type, payload, { wantSlip = false, createdAt = serverNow() } = {}) {
  const op = await write(["outbox", "state"], async ({ outbox, state }) => {
    const last = await new Promise((resolve) => {
      const r = state.get("seq");
      r.onsuccess = () => resolve(r.result ? r.result.value : 0);
    });
    const op = { op_id: uuid(), seq: last + 1, type, created_at: createdAt.toISOString(), payload };
    state.put({ key: "seq", value: op.seq });
    outbox.add(op);
    return op;
  });
  if (wantSlip) slipsWanted.add(op.op_id);
  announce();
  requestPush();
  return op;
}

/** The kiosk's clock corrected by the offset measured at the last sync. */
export function serverNow() {
  return new Date(Date.now() - clockOffsetMs);
}

/** Load the last known clock offset (call once at start, before using serverNow offline). */
export async function loadClock() {
  clockOffsetMs = Number(await getState("clock_offset_ms", 0)) || 0;
}

export function requestPush() {
  push().catch(() => {});
  if (typeof window !== "undefined" && "serviceWorker" in navigator && "SyncManager" in window) {
    navigator.serviceWorker.ready.then((reg) => reg.sync.register("outbox")).catch(() => {});
  }
}

function scheduleRetry() {
  clearTimeout(timer);
  const jitter = Math.random() * backoffMs * 0.3;
  timer = setTimeout(requestPush, backoffMs + jitter);
  backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
}

const results = new Map();   // op_id -> the server's answer, for the screen that waits on it
const waiters = new Map();

/** Resolve with the server's answer to `opId` ({status, result|error}), or null after `ms`. */
export function waitForResult(opId, ms) {
  if (results.has(opId)) return Promise.resolve(results.get(opId));
  return new Promise((resolve) => {
    const t = setTimeout(() => { waiters.delete(opId); resolve(null); }, ms);
    waiters.set(opId, (answer) => { clearTimeout(t); resolve(answer); });
  });
}

function settle(opId, answer) {
  results.set(opId, answer);
  const waiter = waiters.get(opId);
  if (waiter) { waiters.delete(opId); waiter(answer); }
}

/** Push the outbox once, under the lock; safe to call from the page and the service worker. */
export function push() {
  return navigator.locks.request("outbox", async () => {
    const device = await getState("device");
    if (!device) return announce();
    let ops = await getAll("outbox");
    let sentAny = false;
    do {
      const batch = ops.slice(0, BATCH);
      const leases = await getState("leases", []);
      const body = {
        schema: 1, client_sent_at: new Date().toISOString(), ops: batch,
        status: { outbox: ops.length, dead_letters: await count("dead_letter"),
                  persisted: Boolean(await getState("persisted")), app_version: APP_VERSION,
                  done_commands: await getState("done_commands", []) },
        have_leases: leases.filter((l) => l.slip_svg).map((l) => l.lease_unit_id),
        slips_for: batch.map((op) => op.op_id).filter((id) => slipsWanted.has(id)),
      };
      let response;
      try {
        response = await fetch("/api/v1/sync", {
          method: "POST", body: JSON.stringify(body), cache: "no-store",
          headers: { "Content-Type": "application/json", Authorization: `Bearer ${device.token}` },
        });
      } catch (err) {
        scheduleRetry();
        return announce({ online: false });
      }
      if (response.status === 401) {
        await setState("needs_enrollment", true);   // staff see it; the outbox stays as it is
        return announce();
      }
      if (!response.ok) { scheduleRetry(); return announce(); }
      await handle(await response.json(), batch);
      sentAny = true;
      ops = await getAll("outbox");
    } while (ops.length);
    backoffMs = 1_000;
    return announce({ synced: sentAny });
  });
}

/** A value of the state store, read inside an open transaction. */
function stored(state, key, fallback) {
  return new Promise((resolve) => {
    const r = state.get(key);
    r.onsuccess = () => resolve(r.result ? r.result.value : fallback);
  });
}

async function handle(body, batch) {
  if (Date.parse(body.server_time)) clockOffsetMs = Date.now() - Date.parse(body.server_time);
  const byId = new Map(batch.map((op) => [op.op_id, op]));
  await write(["outbox", "dead_letter", "state"], async ({ outbox, dead_letter, state }) => {
    for (const answer of body.results) {
      const op = byId.get(answer.op_id);
      if (answer.status === "applied" || answer.status === "duplicate") {
        outbox.delete(answer.op_id);
      } else if (answer.status === "rejected") {
        dead_letter.put({ ...op, error: answer.error, rejected_at: body.server_time });
        outbox.delete(answer.op_id);
      }
      // "retry" and anything unknown stay in the outbox.
    }
    const known = new Map(((await stored(state, "leases", [])) || []).map((l) => [l.lease_unit_id, l]));
    const leases = body.leases.map((l) => ({ ...known.get(l.lease_unit_id), ...l }));
    state.put({ key: "leases", value: leases });
    state.put({ key: "last_sync", value: body.server_time });
    state.put({ key: "clock_offset_ms", value: clockOffsetMs });
    state.put({ key: "needs_enrollment", value: false });
    // Staff commands (a remote reset): kept until done; done ones are reported until the server drops them.
    const commands = body.commands || [];
    state.put({ key: "commands", value: commands });
    const done = await stored(state, "done_commands", []);
    state.put({ key: "done_commands", value: done.filter((id) => commands.some((c) => c.id === id)) });
  });
  body.results.forEach((answer) => { slipsWanted.delete(answer.op_id); settle(answer.op_id, answer); });
}

if (typeof window !== "undefined") addEventListener("online", () => { backoffMs = 1_000; requestPush(); });
