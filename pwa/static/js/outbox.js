// The outbox (sync.md): a booking is an op written here before the visitor sees it confirmed. The
// shared sender (queue.js) pushes it: one pusher at a time (navigator.locks), started by the write
// itself, the `online` event, Background Sync where the browser has it, and a backoff timer. Every
// sync's outcome tells reach.js whether the server answers.
import { count, getAll, getState, setState, stored, write } from "./db.js";
import { BLOCKED, DONE, FAILED, MORE, STALLED, createSender, timedFetch } from "./queue.js";
import { reach } from "./reach.js";
import { confirmBy, isSyncAnswer, needsConfirmBy, pastConfirmBy, sendable } from "./wire.js";

const BATCH = 50;                    // ops per request (well under the server's body limit)
const APP_VERSION = "1";
const REQUEST_TIMEOUT_MS = 15_000;   // a sync that takes longer has failed
const FAILING_AFTER = 3;             // failures in a row before the status corner says so
const ABANDON_GRACE_MS = 10_000;     // the waiting screen gives up at confirm_by; the pusher a little later
export const CONFIRM_SECONDS = 60;   // an unleased booking's confirm_by: created_at + this
const listeners = new Set();
let clockOffsetMs = 0;               // kiosk clock minus server clock, from the last sync

export const uuid = () => crypto.randomUUID();

/** Tell the UI what changed: {online (the server answers), network, waiting, deadLetters, lastSync,
 *  needsEnrollment, failing}. */
export function onStatus(listener) { listeners.add(listener); return () => listeners.delete(listener); }

export async function announce() {
  const status = {
    online: reach.reachable(), network: typeof navigator === "undefined" || navigator.onLine,
    waiting: await count("outbox"), deadLetters: await count("dead_letter"),
    lastSync: await getState("last_sync"), needsEnrollment: Boolean(await getState("needs_enrollment")),
    failing: sender.status().failures >= FAILING_AFTER,
  };
  listeners.forEach((listener) => listener(status));
  return status;
}

const slipsWanted = new Set();   // op_ids whose visitor waits at the screen for the slip

/** Write an op durably; resolves with it once it is on disk. Then a push starts. A booking that is
 *  not on a lease carries confirm_by. With `wantSlip`, the server's answer carries the slip's QR. */
export async function enqueue(type, payload, { wantSlip = false, confirmSeconds = CONFIRM_SECONDS } = {}) {
  const createdAt = new Date();      // the kiosk's own clock: the server corrects it by the offset
  const op = await write(["outbox", "state"], async ({ outbox, state }) => {
    const seq = (await stored(state, "seq", 0)) + 1;
    const op = { op_id: uuid(), seq, type, created_at: createdAt.toISOString(), payload };
    if (needsConfirmBy(type, payload)) op.confirm_by = confirmBy(createdAt, confirmSeconds).toISOString();
    await state.put({ key: "seq", value: seq });
    await outbox.add(op);
    return op;
  });
  if (wantSlip) slipsWanted.add(op.op_id);
  announce();
  requestPush();
  return op;
}

/** confirm_by passed without an answer: the op leaves the outbox for good, so it is never sent as a
 *  live booking again, and stays in dead_letter for staff. If the server's answer came first, it
 *  resolves with that answer instead (else null). */
export async function abandon(opId, { visitorTold = true } = {}) {
  const moved = await write(["outbox", "dead_letter"], async ({ outbox, dead_letter }) => {
    const op = await outbox.get(opId);
    if (!op) return false;
    await dead_letter.put({
      ...op, abandoned: true, visitor_told: visitorTold, abandoned_at: new Date().toISOString(),
      error: { code: "abandoned", message: visitorTold ? "abandoned, visitor told nothing was booked" : "abandoned: confirm_by passed" },
    });
    await outbox.delete(opId);
    return true;
  });
  announce();
  return moved ? null : waitForResult(opId, 5_000);
}

/** The kiosk's clock corrected by the offset measured at the last sync. */
export function serverNow() {
  return new Date(Date.now() - clockOffsetMs);
}

/** Load the last known clock offset (call once at start, before using serverNow offline). */
export async function loadClock() {
  clockOffsetMs = Number(await getState("clock_offset_ms", 0)) || 0;
}

const results = new Map();   // op_id -> the server's answer, for the screen that waits on it
const waiters = new Map();

/** Resolve with the server's answer to `opId` ({status, result|error}), or null after `ms`. */
export function waitForResult(opId, ms) {
  if (results.has(opId)) return Promise.resolve(results.get(opId));
  return new Promise((resolve) => {
    const t = setTimeout(() => { waiters.delete(opId); resolve(null); }, Math.max(0, ms));
    waiters.set(opId, (answer) => { clearTimeout(t); resolve(answer); });
  });
}

function settle(opId, answer) {
  results.set(opId, answer);
  const waiter = waiters.get(opId);
  if (waiter) { waiters.delete(opId); waiter(answer); }
}

/** One request: a batch of the outbox (perhaps none: then it only fetches leases and commands). */
async function sendBatch() {
  const device = await getState("device");
  if (!device) return { kind: BLOCKED };
  const now = new Date();
  const all = await getAll("outbox");
  for (const op of all) {
    if (pastConfirmBy(op, new Date(now.getTime() - ABANDON_GRACE_MS))) await abandon(op.op_id, { visitorTold: false });
  }
  const ops = sendable(await getAll("outbox"), now);
  const batch = ops.slice(0, BATCH);
  const leases = await getState("leases", []);
  const body = {
    schema: 1, client_sent_at: new Date().toISOString(), ops: batch,
    status: { outbox: all.length, dead_letters: await count("dead_letter"),
              persisted: Boolean(await getState("persisted")), app_version: APP_VERSION,
              done_commands: await getState("done_commands", []) },
    have_leases: leases.filter((l) => l.slip_svg).map((l) => l.lease_unit_id),
    slips_for: batch.map((op) => op.op_id).filter((id) => slipsWanted.has(id)),
  };
  let response;
  try {
    response = await timedFetch("/api/v1/sync", {
      method: "POST", body: JSON.stringify(body), cache: "no-store",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${device.token}` },
    }, REQUEST_TIMEOUT_MS);
  } catch (err) {
    reach.failed();
    return { kind: FAILED, error: err.name === "TimeoutError" ? "timeout" : "network" };
  }
  if (response.status === 401) {
    await setState("needs_enrollment", true);   // staff see it; the outbox stays as it is
    reach.failed();
    return { kind: BLOCKED };
  }
  if (!response.ok) { reach.failed(); return { kind: FAILED, error: `HTTP ${response.status}` }; }
  let answer = null;
  try { answer = await response.json(); } catch { /* a captive portal's or a proxy's page */ }
  if (!isSyncAnswer(answer)) { reach.failed(); return { kind: FAILED, error: "not a sync answer" }; }
  reach.ok();
  const settled = await handle(answer, batch);
  if (!batch.length) return { kind: DONE };
  if (!settled) return { kind: STALLED, error: "no op settled" };
  return sendable(await getAll("outbox"), new Date()).length ? { kind: MORE } : { kind: DONE };
}

// The page retries on its own timer; the service worker only answers Background Sync (a failure
// there is thrown, and the browser schedules the sync again).
const inPage = typeof window !== "undefined";
const sender = createSender({ lock: "outbox", attempt: sendBatch, onChange: () => { announce(); }, retry: inPage });

/** Push the outbox until it is empty or a send fails. Resolves with the status once done. */
export async function push() {
  await sender.run();
  return announce();
}

/** Push now; if that fails, Background Sync (where the browser has it) also tries after the page is gone. */
export function requestPush() {
  sender.run().then((outcome) => {
    if (![FAILED, STALLED].includes(outcome.kind) || !inPage || !("SyncManager" in window)) return;
    navigator.serviceWorker.ready.then((reg) => reg.sync.register("outbox")).catch(() => {});
  });
}

/** The service worker's Background Sync: one drain; a failure rejects, so the browser tries again later. */
export async function pushFromWorker() {
  const outcome = await sender.run();
  if (outcome.kind === FAILED || outcome.kind === STALLED) throw new Error(`outbox: ${outcome.error || outcome.kind}`);
  return outcome;
}

/** The op that cancels a booking the visitor was told did not happen (its answer came too late). */
async function cancelLate(outbox, state, dead, result) {
  const seq = (await stored(state, "seq", 0)) + 1;
  await state.put({ key: "seq", value: seq });
  await outbox.add({ op_id: uuid(), seq, type: "booking.cancel", created_at: new Date().toISOString(),
                     payload: { booking_id: result.booking_id || dead.payload.booking_id } });
}

/** Apply a sync answer; resolves with how many of the batch's ops it settled. */
async function handle(body, batch) {
  clockOffsetMs = Date.now() - Date.parse(body.server_time);
  const byId = new Map(batch.map((op) => [op.op_id, op]));
  const settled = await write(["outbox", "dead_letter", "state"], async ({ outbox, dead_letter, state }) => {
    let n = 0;
    for (const answer of body.results) {
      const op = byId.get(answer.op_id);
      if (!op) continue;
      const dead = await dead_letter.get(answer.op_id);
      if (answer.status === "applied" || answer.status === "duplicate") {
        if (dead && dead.abandoned) {
          // Sent before its confirm_by, answered after it: the visitor heard "nothing was booked".
          await dead_letter.put({ ...dead, late_result: answer.result, cancelled_late: true });
          if (answer.result && answer.result.status !== "cancelled") await cancelLate(outbox, state, dead, answer.result);
        }
        await outbox.delete(answer.op_id);
        n += 1;
      } else if (answer.status === "rejected") {
        await dead_letter.put(dead && dead.abandoned ? { ...dead, server_error: answer.error }
                                                     : { ...op, error: answer.error, rejected_at: body.server_time });
        await outbox.delete(answer.op_id);
        n += 1;
      }
      // "retry" and anything unknown stay in the outbox.
    }
    const known = new Map(((await stored(state, "leases", [])) || []).map((l) => [l.lease_unit_id, l]));
    const leases = body.leases.map((l) => ({ ...known.get(l.lease_unit_id), ...l }));
    await state.put({ key: "leases", value: leases });
    await state.put({ key: "last_sync", value: body.server_time });
    await state.put({ key: "clock_offset_ms", value: clockOffsetMs });
    await state.put({ key: "needs_enrollment", value: false });
    // Staff commands (a remote reset): kept until done; done ones are reported until the server drops them.
    const commands = body.commands || [];
    await state.put({ key: "commands", value: commands });
    const done = await stored(state, "done_commands", []);
    await state.put({ key: "done_commands", value: done.filter((id) => commands.some((c) => c.id === id)) });
    return n;
  });
  body.results.forEach((answer) => { slipsWanted.delete(answer.op_id); settle(answer.op_id, answer); });
  return settled;
}

if (typeof window !== "undefined") addEventListener("online", () => { sender.kick(); });
