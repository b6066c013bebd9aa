// The visitor's details: name, 求職番号 (with a keypad), meeting app, support. A message next to a
// field says what is wrong, and goes away as soon as the field is right.
import { applyStrings, t } from "./i18n.js";
import { normalizeJobseekerNo } from "./jobseeker.js";
import { $, session, show } from "./session.js";
import { openConfirm } from "./booking.js";

const KEY_LABELS = { "⌫": "key_delete", "-": "key_hyphen" };

/** Each checked field: its input, its message, and the message key when it is wrong (else null). */
const FIELDS = {
  name: { input: "#name", error: "#name-error", check: () => ($("#name").value.trim() ? null : "err_name") },
  jobseeker: { input: "#jobseeker", error: "#jobseeker-error", check: () => normalizeJobseekerNo($("#jobseeker").value).error || null },
  interpreter: { input: "#interpreter-language", error: "#interpreter-error",
                 check: () => ($("#needs-interpreter").checked && !$("#interpreter-language").value.trim() ? "err_interpreter" : null) },
};

function mark(field, key) {
  const { input, error } = FIELDS[field];
  $(error).textContent = key ? t(key) : "";
  $(error).dataset.key = key || "";
  $(input).setAttribute("aria-invalid", String(Boolean(key)));
}

/** While a field shows a message, each change checks it again: once the field is right, or the
 *  message no longer says what is wrong ("please enter" after a first digit), the message goes.
 *  (A new message waits for "Next": one that changed with every key would be read out each time.) */
export function watchFields() {
  for (const [field, { input, error }] of Object.entries(FIELDS)) {
    $(input).addEventListener("input", () => {
      const shown = $(error).dataset.key;
      if (shown && FIELDS[field].check() !== shown) mark(field, null);
    });
  }
  $("#needs-interpreter").addEventListener("change", (e) => {
    $("#interpreter-language").disabled = !e.target.checked;
    if (!e.target.checked) mark("interpreter", null);
  });
}

export function openDetails() {
  const apps = session.kioskState.services.counseling.meeting_apps || [];
  $("#app-choice").hidden = session.visit.service !== "counseling" || apps.length < 2 || Boolean(session.visit.slot.lease);
  Object.keys(FIELDS).forEach((field) => mark(field, null));
  show("details");
}

export function renderKeypad() {
  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "-", "0", "⌫"];
  const keypad = $("#keypad");
  keypad.replaceChildren(...keys.map((key) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "key";
    button.textContent = key;
    if (KEY_LABELS[key]) button.dataset.tLabel = KEY_LABELS[key];   // named in the visitor's language
    button.addEventListener("click", () => {
      const input = $("#jobseeker");
      input.value = key === "⌫" ? input.value.slice(0, -1) : input.value + key;
      input.dispatchEvent(new Event("input"));
    });
    return button;
  }));
  applyStrings(keypad);
}

export function submitDetails(event) {
  event.preventDefault();
  const wrong = Object.keys(FIELDS).map((field) => [field, FIELDS[field].check()]);
  wrong.forEach(([field, key]) => mark(field, key));
  const first = wrong.find(([, key]) => key);
  if (first) { $(FIELDS[first[0]].input).focus(); return; }
  const interpreter = $("#needs-interpreter").checked;
  const app = document.querySelector('input[name="meeting_app"]:checked');
  const lease = session.visit.slot.lease;
  session.visit.details = {
    name: $("#name").value.trim().replace(/\s+/g, " "), jobseeker_no: normalizeJobseekerNo($("#jobseeker").value).value,
    meeting_app: lease ? lease.meeting_app : (!$("#app-choice").hidden && app ? app.value : undefined),
    needs_interpreter: interpreter, interpreter_language: interpreter ? $("#interpreter-language").value.trim() : undefined,
    needs_assistant: $("#needs-assistant").checked,
  };
  openConfirm();
}
