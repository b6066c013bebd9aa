// The staff console's sign-in: security keys only (WebAuthn). The server keeps the challenges;
// the browser turns its JSON options into a ceremony and sends the credential back as JSON.
import { ceremony as run, post, signOut, supported } from "./webauthn.js";

const $ = (selector) => document.querySelector(selector);

async function ceremony(optionsUrl, verifyUrl, body, extra = {}) {
  $("#staff-error").textContent = "";
  $("#staff-working").hidden = false;
  try {
    await run(optionsUrl, verifyUrl, body, extra);
    location.assign("/staff");
  } catch (err) {
    $("#staff-error").textContent = err.message;
  } finally {
    $("#staff-working").hidden = true;
  }
}

function wire() {
  if (!supported()) {
    $("#staff-error").textContent = $("#staff-messages").dataset.webauthnMissing;
  }
  $("#sign-in-form")?.addEventListener("submit", (event) => {
    event.preventDefault();
    ceremony("/api/v1/staff/signin/options", "/api/v1/staff/signin/verify", { name: $("#staff-name").value });
  });
  $("#setup-form")?.addEventListener("submit", (event) => {
    event.preventDefault();
    ceremony("/api/v1/staff/register/options", "/api/v1/staff/register/verify",
      { link: event.currentTarget.dataset.link, name: $("#staff-name").value }, { key_name: $("#key-name").value });
  });
  $("#add-key")?.addEventListener("click", () => ceremony("/api/v1/staff/register/options", "/api/v1/staff/register/verify", {}));
  for (const [id, everywhere] of [["#sign-out", false], ["#sign-out-everywhere", true]]) {
    $(id)?.addEventListener("click", async () => { await signOut(everywhere); location.assign("/staff"); });
  }
}

// -- the day's work and the team (signed in) -------------------------------------------------------

async function act(url, body) {
  try {
    await post(url, body);
    location.reload();
  } catch (err) {
    $("#staff-error").textContent = err.message;
  }
}

function wireConsole() {
  document.querySelectorAll("tr[data-booking] [data-action]").forEach((button) => button.addEventListener("click", () => {
    const row = button.closest("tr");
    if (button.dataset.confirm && !confirm(button.dataset.confirm)) return;
    const body = {};
    row.querySelectorAll("[data-field]").forEach((input) => { body[input.dataset.field] = input.value; });
    act(`/api/v1/staff/bookings/${row.dataset.booking}/${button.dataset.action}`, body);
  }));
  document.querySelectorAll("[data-revoke]").forEach((button) => button.addEventListener("click",
    () => act(`/api/v1/staff/keys/${encodeURIComponent(button.dataset.revoke)}/revoke`, {})));
  document.querySelectorAll("[data-member-action]").forEach((button) => button.addEventListener("click",
    () => act(`/api/v1/staff/members/${button.closest("tr").dataset.staff}/${button.dataset.memberAction}`, {})));
  document.querySelectorAll("[data-resolve]").forEach((button) => button.addEventListener("click",
    () => act(`/api/v1/staff/dead-letters/${encodeURIComponent(button.closest("tr").dataset.op)}/resolve`, {})));
  document.querySelectorAll("[data-kiosk-action]").forEach((button) => button.addEventListener("click",
    () => act(`/api/v1/staff/kiosks/${button.closest("tr").dataset.kiosk}/${button.dataset.kioskAction}`, {})));
  $("#enroll-form")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const { code, qr_svg: svg } = await post("/api/v1/staff/kiosks/enroll", { name: new FormData(event.currentTarget).get("name") });
      $("#enroll-code-text").textContent = code;
      $("#enroll-qr").src = `data:image/svg+xml;base64,${btoa(svg)}`;
      $("#enroll-qr").alt = code;
      $("#enroll-code").hidden = false;
    } catch (err) {
      $("#staff-error").textContent = err.message;
    }
  });
  wireVisitors();
  wireSettings();
  $("#print-list")?.addEventListener("click", () => window.print());
  $("#invite-form")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      const { url } = await post("/api/v1/staff/invite", { name: form.get("name"), role: form.get("role") });
      $("#invite-link").textContent = url;
      $("#invite-link").hidden = false;
    } catch (err) {
      $("#staff-error").textContent = err.message;
    }
  });
}

// Settings: each form posts its fields as JSON to its data-post address.
function wireSettings() {
  document.querySelectorAll("form[data-post]").forEach((form) => form.addEventListener("submit", (event) => {
    event.preventDefault();
    act(form.dataset.post, Object.fromEntries(new FormData(form)));
  }));
  document.querySelectorAll("[data-room-action]").forEach((button) => button.addEventListener("click",
    () => act(`/api/v1/staff/rooms/${button.closest("tr").dataset.room}/${button.dataset.roomAction}`, {})));
  document.querySelectorAll("[data-closure-remove]").forEach((button) => button.addEventListener("click",
    () => act(`/api/v1/staff/closures/${button.closest("li").dataset.closure}/remove`, {})));
  document.querySelectorAll("[data-event-cancel]").forEach((button) => button.addEventListener("click", () => {
    const row = button.closest("tr");
    act(`/api/v1/staff/events/${row.dataset.event}/cancel`, { reason: row.querySelector("[data-field=reason]").value });
  }));
}

// Visitors: the 求職番号 travels in POST bodies only, never in a URL.
function wireVisitors() {
  let number = "";
  const show = (standing) => {
    number = standing.jobseeker_no;
    $("#visitor-no").textContent = standing.jobseeker_no;
    $("#visitor-strikes").textContent = String(standing.strikes);
    $("#visitor-restrictions").replaceChildren(...standing.restrictions.map((r) => {
      const li = document.createElement("li");
      li.textContent = `${r.reason} → ${r.until}${r.lifted_at ? " (lifted)" : ""}`;
      return li;
    }));
    $("#visitor-result").hidden = false;
  };
  const lookUp = async (no) => {
    try { show(await post("/api/v1/staff/visitors/lookup", { jobseeker_no: no })); } catch (err) { $("#staff-error").textContent = err.message; }
  };
  $("#visitor-form")?.addEventListener("submit", (event) => {
    event.preventDefault();
    lookUp(new FormData(event.currentTarget).get("jobseeker_no"));
  });
  $("#restrict-form")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      await post("/api/v1/staff/visitors/restrict", { jobseeker_no: number, reason: form.get("reason"), until: form.get("until") });
      lookUp(number);
    } catch (err) { $("#staff-error").textContent = err.message; }
  });
  $("#lift")?.addEventListener("click", async () => {
    try { await post("/api/v1/staff/visitors/lift", { jobseeker_no: number }); lookUp(number); } catch (err) { $("#staff-error").textContent = err.message; }
  });
}

wire();
wireConsole();
document.body.dataset.ready = "true";   // the buttons take clicks from now on (staff.css)
