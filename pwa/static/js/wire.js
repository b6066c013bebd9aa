// The sync protocol as the kiosk relies on it (sync.md): what counts as an answer, and which ops may
// still be sent. Pure functions: the outbox uses them, node's tests check them.

/** No op is sent this close to its confirm_by: the answer could not come back in time. */
export const SEND_MARGIN_MS = 2_000;

/** Only this shape is a sync answer; a 200 from a captive portal or a proxy page is not. */
export function isSyncAnswer(body) {
  return Boolean(body) && typeof body === "object" && !Array.isArray(body)
    && typeof body.server_time === "string" && !Number.isNaN(Date.parse(body.server_time))
    && Array.isArray(body.results) && Array.isArray(body.leases)
    && body.results.every((r) => Boolean(r) && typeof r.op_id === "string" && typeof r.status === "string");
}

/** A booking that is not on a lease: the visitor waits for the server, until its confirm_by. */
export const needsConfirmBy = (type, payload) =>
  (type === "booking.create" || type === "event.book") && !(payload && payload.lease_unit_id);

/** created_at + `seconds`, on the kiosk's own clock (the server corrects both by the clock offset). */
export const confirmBy = (createdAt, seconds) => new Date(createdAt.getTime() + seconds * 1000);

/** Whether an op's confirm_by has passed, or will within `marginMs`: it is not sent any more. */
export function pastConfirmBy(op, now, marginMs = 0) {
  return Boolean(op.confirm_by) && !(op.payload && op.payload.lease_unit_id)
    && now.getTime() >= Date.parse(op.confirm_by) - marginMs;
}

/** The ops to send now (in the order given): not those whose confirm_by is (nearly) past. */
export const sendable = (ops, now, marginMs = SEND_MARGIN_MS) => ops.filter((op) => !pastConfirmBy(op, now, marginMs));
