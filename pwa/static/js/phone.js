// A phone books through the API (D6). The request is kept on the phone first (IndexedDB,
// 'strict'): offline it waits, the page says plainly that it is not confirmed yet, and it goes
// out when the phone is back online. booking_id makes a repeat harmless: one booking, once.
import { getState, setState } from "./db.js";
import { formatDate, formatTime, t } from "./i18n.js";
import { $, restart, show } from "./session.js";

const RETRY_MS = 15_000;
let retry = null;

/** Keep the booking request on the phone, then send it; `refused(error)` shows a refusal. */
export async function bookFromPhone(body, refused) {
  await setState("phone_pending", body);
  await sendPending(refused);
}

/** Send the waiting request, if any (also at start-up: a reload must not lose it). */
export async function sendPending(refused) {
  const body = await getState("phone_pending");
  if (!body) return false;
  clearTimeout(retry);
  show("waiting", { remember: false });
  $("#pending-actions").hidden = true;
  let response;
  let answer;
  try {
    response = await fetch("/api/v1/bookings", {
      method: "POST", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "Accept-Language": body.language },
    });
    answer = await response.json();
  } catch {
    return waitForNetwork(body, refused);
  }
  if (response.status === 429 || response.status >= 500) return waitForNetwork(body, refused, answer.error?.message);
  await setState("phone_pending", null);
  if (response.ok) {
    // Instead of a printed slip: the booking's own page, which offers to keep it.
    location.replace(`${new URL(answer.booking.join_url).pathname}?new=1`);
  } else {
    await refused(answer.error);
  }
  return true;
}

function waitForNetwork(body, refused, message) {
  $("#waiting-title").textContent = t("phone_pending_title");
  $("#waiting-text").textContent = message || t("phone_pending_text");
  $("#waiting-when").textContent = body.start ? `${formatDate(body.start)} ${formatTime(body.start)}` : "";
  $("#waiting-actions").hidden = true;
  $("#pending-actions").hidden = false;
  const again = () => { removeEventListener("online", again); sendPending(refused); };
  addEventListener("online", again);
  retry = setTimeout(again, RETRY_MS);
  return false;
}

/** The visitor changed their mind while it waited: nothing is sent. */
export async function dropPending() {
  clearTimeout(retry);
  await setState("phone_pending", null);
  restart();
}
