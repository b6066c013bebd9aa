// A phone books through the API (D6). The request is kept on the phone first (IndexedDB, 'strict'):
// offline it waits, the page says plainly that it is not confirmed yet, and the shared sender
// (queue.js, the kiosk outbox's retry policy) sends it when it can. booking_id makes a repeat
// harmless: one booking, once.
import { at } from "./base.js";
import { getState, setState } from "./db.js";
import { formatDate, formatTime, t } from "./i18n.js";
import { DONE, FAILED, createSender, timedFetch } from "./queue.js";
import { $, restart, show } from "./session.js";

let refusedHere = async () => {};

/** One try: 2xx opens the booking's page, a refusal is shown, anything else waits and retries. */
async function sendOnce() {
  const body = await getState("phone_pending");
  if (!body) return { kind: DONE };
  let response;
  let answer = null;
  try {
    response = await timedFetch(at("/api/v1/bookings"), {
      method: "POST", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "Accept-Language": body.language },
    });
  } catch {
    return waiting(body, { kind: FAILED, error: "network" });
  }
  try { answer = await response.json(); } catch { /* a captive portal's page */ }
  const booked = response.ok && answer && answer.booking && answer.booking.join_url;
  const refusal = !response.ok && answer && answer.error && answer.error.code;
  if (response.status === 429 || response.status >= 500 || !(booked || refusal)) {
    return waiting(body, { kind: FAILED, error: `HTTP ${response.status}` }, answer && answer.error && answer.error.message);
  }
  await setState("phone_pending", null);
  // Instead of a printed slip: the booking's own page, which offers to keep it.
  if (booked) location.replace(`${new URL(answer.booking.join_url).pathname}?new=1`);
  else await refusedHere(answer.error);
  return { kind: DONE };
}

/** Not sent yet: the page says so plainly (with the server's words for a 429 or a 5xx). */
function waiting(body, outcome, message) {
  $("#waiting-title").textContent = t("phone_pending_title");
  $("#waiting-text").textContent = message || t("phone_pending_text");
  $("#waiting-when").textContent = body.start ? `${formatDate(body.start)} ${formatTime(body.start)}` : "";
  $("#waiting-actions").hidden = true;
  $("#pending-actions").hidden = false;
  return outcome;
}

const sender = createSender({ lock: "phone-booking", attempt: sendOnce });
addEventListener("online", () => { sender.kick(); });

/** Keep the booking request on the phone, then send it; `refused(error)` shows a refusal. */
export async function bookFromPhone(body, refused) {
  await setState("phone_pending", body);
  await sendPending(refused);
}

/** Send the waiting request, if any (also at start-up: a reload must not lose it). */
export async function sendPending(refused) {
  if (!(await getState("phone_pending"))) return false;
  refusedHere = refused;
  show("waiting", { remember: false });
  $("#pending-actions").hidden = true;
  return (await sender.run()).kind === DONE;
}

/** The visitor changed their mind while it waited: nothing is sent. */
export async function dropPending() {
  await setState("phone_pending", null);
  restart();
}
