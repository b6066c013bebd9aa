// The terms (S1-S9, C1, C14): the plain-language summary first; the full text of each document the
// service needs one tap away (folded), on the same screen, before the visitor accepts.
import { t } from "./i18n.js";
import { termsDocs } from "./rules.js";
import { serverNow } from "./outbox.js";
import { $, session, show } from "./session.js";

const SUMMARY = ["summary_free", "summary_costs", "summary_no_recording", "summary_private", "summary_records", "summary_governs"];

function node(tag, text, attrs = {}) {
  const el = document.createElement(tag);
  Object.assign(el, attrs);
  if (text) el.textContent = text;
  return el;
}

export function renderTerms() {
  const summary = [...SUMMARY];
  if (session.visit.service === "counseling") summary.splice(3, 0, "summary_cancel");
  $("#terms-summary").replaceChildren(...summary.map((key) => node("li", t(key))));
  const shown = [];
  const box = $("#terms-text");
  box.replaceChildren();
  for (const doc of termsDocs(session.kioskState, session.visit.service)) {
    const versions = session.kioskState.terms.filter((x) => x.doc === doc);
    const japanese = versions.find((x) => x.lang === "ja");
    const entry = versions.find((x) => x.lang === session.visit.lang) || japanese;
    shown.push({ doc, version: entry.version, sha256: entry.sha256 });
    box.append(entry.kind === "summary" ? summaryArticle(entry, japanese) : fullText(entry.title, entry.text, entry.lang));
  }
  $("#terms-governs").hidden = session.visit.lang === "ja";
  session.visit.shownTerms = shown;
  $("#terms-details").open = false;
  $("#terms-read").checked = false;
  $("#terms-accept").disabled = true;
  box.scrollTop = 0;
}

/** A document's full text; it opens with its title, already shown as the heading. */
function fullText(title, text, lang, headingTag = "h3") {
  const article = node("article", "", { lang });
  const lines = text.split("\n");
  const body = node("div", (lines[0].trim() === title.trim() ? lines.slice(1) : lines).join("\n").trim(), { className: "terms-body" });
  article.append(node(headingTag, title), body);
  return article;
}

/** A summary language: each article in short, then the full Japanese text that governs. */
function summaryArticle(entry, japanese) {
  const article = node("article");
  article.append(node("h3", entry.title), node("p", entry.summary.governs, { className: "notice" }),
                 node("h4", t("terms_articles")));
  const list = node("ol", "", { className: "articles" });
  for (const a of entry.summary.articles) {
    const li = node("li");
    li.append(node("strong", a.heading), node("p", a.summary));
    list.append(li);
  }
  const full = node("section", "", { className: "terms-japanese" });
  full.append(node("h4", t("terms_full_ja")), fullText(japanese.title, japanese.text, "ja", "h5"));
  article.append(list, full);
  return article;
}

export function acceptTerms(next) {
  session.visit.consent = { accepted_at: serverNow().toISOString(), language: session.visit.lang, terms: session.visit.shownTerms };
  next();
}

export function openTerms() {
  renderTerms();
  show("terms");
}
