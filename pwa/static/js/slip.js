// The slip: what the visitor takes home, in their language plus Japanese (D4, S5), short enough
// for a receipt (the preparation checklist, C13, is on the page behind the QR code). やさしい日本語
// is Japanese already: it gets no second copy.
import { formatDate, formatTime, language, plain, t, tJa } from "./i18n.js";

const APPS = { zoom: "Zoom", teleoffice: "Tele Office" };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value; else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

const needsJapanese = () => !["ja", "ja-easy"].includes(language());

/** The visitor's language, then the Japanese below it (`inline`: after it, for a short label). */
function twice(key, params, tag = "p", attrs = {}, { inline = false } = {}) {
  const own = t(key, params);
  const ja = tJa(key, params);
  const node = el(tag, attrs, own);
  if (needsJapanese() && ja !== own) node.append(el("span", { class: inline ? "ja-inline" : "ja", lang: "ja" }, ja));
  return node;
}

/** Fill `container` with the slip for `unit` ({start, end, room_id, meeting_app, join_url, slip_svg,
 *  reference?}). Short on purpose: the preparation checklist is on the page behind the QR code.
 *  `offline`: printed on a lease while the server does not answer; `title`: the event's. */
export function renderSlip(container, unit, office, service, { offline = false, title = null, testMark = null } = {}) {
  const lang = language();
  const when = `${formatTime(unit.start, lang)}–${formatTime(unit.end, lang)}`;
  // A phone has no printed slip: no QR, a link to the booking page instead (see the template).
  const qr = unit.slip_svg
    ? el("img", { class: "qr", alt: plain(t("slip_qr_alt")), src: `data:image/svg+xml;base64,${btoa(unit.slip_svg)}` })
    : "";
  const optional = (test, make) => (test ? [make()] : []);
  container.classList.toggle("slip-test", Boolean(testMark));
  container.closest("[data-screen]")?.classList.toggle("slip-screen-test", Boolean(testMark));   // its heading too
  const mark = () => el("p", { class: "slip-test-mark", lang: "ja" }, testMark);
  container.replaceChildren(
    ...optional(testMark, mark),
    el("p", { class: "slip-office", lang: "ja" }, office.name, el("span", { class: "ja-sub", lang: "en" }, office.name_en)),
    twice(service === "event" ? "service_event" : "service_counseling", {}, "h2", { id: "slip-heading" }, { inline: true }),
    ...optional(title, () => el("p", { class: "slip-title" }, title)),
    el("p", { class: "slip-date" }, formatDate(unit.start, lang),
       ...(needsJapanese() && formatDate(unit.start, lang) !== formatDate(unit.start, "ja")
         ? [el("span", { class: "ja", lang: "ja" }, formatDate(unit.start, "ja"))] : [])),
    el("p", { class: "slip-time" }, when),
    twice("room_id", {}, "p", { class: "slip-label" }, { inline: true }),
    el("p", { class: "slip-room", id: "slip-room" }, unit.room_id || "—"),
    twice("meeting_app_is", { app: APPS[unit.meeting_app] || unit.meeting_app }, "p", {}, { inline: true }),
    qr,
    ...optional(unit.slip_svg, () => twice("slip_scan", {}, "p", { class: "slip-small" })),
    ...optional(offline, () => twice("slip_offline", {}, "p", { class: "slip-offline", id: "slip-offline" })),
    ...optional(unit.reference, () => twice("slip_reference", {}, "p", { class: "slip-label" }, { inline: true })),
    ...optional(unit.reference, () => el("p", { class: "slip-reference", id: "slip-reference" }, unit.reference)),
    twice("no_recording", {}, "p", { class: "slip-warning" }),
    twice("how_to_cancel", {}, "p", { class: "slip-small" }),
    ...optional(office.phone, () => twice("office_phone", { phone: office.phone }, "p", { class: "slip-small" }, { inline: true })),
    ...optional(testMark, mark),
  );
}
