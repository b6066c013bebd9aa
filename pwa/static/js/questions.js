// The eligibility questions (C3) and the device checklist (S3, C13). The questions are the server's
// (rules.js); a "no" explains what to do, and can be changed; the checklist is ticked item by item.
import { t } from "./i18n.js";
import { eligibilityQuestions } from "./rules.js";
import { $, session, show } from "./session.js";

const ENVIRONMENT = { key: "environment", text: "q_environment", no: "no_environment",
                      items: ["env_secure", "env_wifi", "env_os", "env_firewall", "env_sharing", "env_antivirus"] };
let finished = () => {};

function questions() {
  if (session.visit.service === "event") return [ENVIRONMENT];
  const asked = eligibilityQuestions(session.kioskState).map((key) => ({ key, text: `q_${key}`, no: `no_${key}` }));
  return [...asked, ENVIRONMENT];
}

/** Start the questions; `done()` runs after the last yes. */
export function openQuestions(done) {
  finished = done;
  session.visit.question = 0;
  session.visit.eligibility = {};
  renderQuestion();
  show("eligibility");
}

function checkbox(key) {
  const li = document.createElement("li");
  const label = document.createElement("label");
  label.className = "check";
  const input = document.createElement("input");
  input.type = "checkbox";
  input.dataset.item = key;
  input.addEventListener("change", updateYes);
  const text = document.createElement("span");
  text.textContent = t(key);
  label.append(input, text);
  li.append(label);
  return li;
}

function updateYes() {
  const boxes = [...document.querySelectorAll("#question-list input")];
  $("#answer-yes").disabled = boxes.length > 0 && !boxes.every((b) => b.checked);
}

function renderQuestion() {
  const all = questions();
  const q = all[session.visit.question];
  $("#question-progress").textContent = t("question_of", { n: session.visit.question + 1, total: all.length });
  $("#question-text").textContent = t(q.text);
  $("#question-tick").hidden = !q.items;
  $("#question-list").replaceChildren(...(q.items || []).map(checkbox));
  const yes = $("#answer-yes");
  yes.dataset.t = q.items ? "next" : "yes";
  yes.textContent = t(yes.dataset.t);
  updateYes();
}

export function answer(yes) {
  const q = questions()[session.visit.question];
  if (!yes) {
    $("#ineligible-text").textContent = t(q.no);
    show("ineligible");
    return;
  }
  if (q !== ENVIRONMENT) session.visit.eligibility[q.key] = true;
  session.visit.question += 1;
  if (session.visit.question < questions().length) { renderQuestion(); return; }
  finished();
}

/** Back: the previous question, or the terms before the first one. */
export function questionBack() {
  if (session.visit.question === 0) { show("terms", { remember: false }); return; }
  session.visit.question -= 1;
  renderQuestion();
}

/** After a "no": the same question again, to answer differently. */
export function changeAnswer() {
  show("eligibility", { remember: false });
  renderQuestion();
}
