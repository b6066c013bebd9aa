// UI strings come from the server's gettext catalogs, one JSON file per language (the list of
// languages itself comes from the server: rules.js).
const HTML_LANG = { "ja-easy": "ja" };
// やさしい日本語 carries furigana as <ruby>漢字<rt>かんじ</rt></ruby>: rendered as ruby elements,
// never parsed as HTML; in attributes (read aloud) the kanji alone.
const RUBY = /<ruby>(.*?)<rt>(.*?)<\/rt><\/ruby>/g;
export const plain = (text) => text.replace(RUBY, "$1");

function rubyNodes(text) {
  const nodes = [];
  let last = 0;
  for (const m of text.matchAll(RUBY)) {
    if (m.index > last) nodes.push(document.createTextNode(text.slice(last, m.index)));
    const ruby = document.createElement("ruby");
    const rt = document.createElement("rt");
    rt.textContent = m[2];
    ruby.append(m[1], rt);
    nodes.push(ruby);
    last = m.index + m[0].length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

function rubify(node) {
  if (node.nodeType === Node.TEXT_NODE) {
    if (node.data.includes("<ruby>") && node.parentNode) node.replaceWith(...rubyNodes(node.data));
    return;
  }
  if (node.nodeType !== Node.ELEMENT_NODE) return;
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  const found = [];
  while (walker.nextNode()) if (walker.currentNode.data.includes("<ruby>")) found.push(walker.currentNode);
  found.forEach(rubify);
}

/** Every string the screens show goes through textContent; furigana become ruby wherever they land. */
export function renderRuby(root = document.body) {
  rubify(root);
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "characterData") rubify(r.target); else r.addedNodes.forEach(rubify);
    }
  }).observe(root, { subtree: true, childList: true, characterData: true });
}
let strings = {};
let current = "ja";
const japanese = {};

export async function loadStrings(lang) {
  const response = await fetch(`/i18n/${lang}.json`);
  strings = await response.json();
  current = lang;
  if (!Object.keys(japanese).length) {
    Object.assign(japanese, lang === "ja" ? strings : await (await fetch("/i18n/ja.json")).json());
  }
  document.documentElement.lang = HTML_LANG[lang] || lang;
  return strings;
}

export const language = () => current;

/** The string `key` in the visitor's language, with {name} placeholders filled. */
export function t(key, params = {}, table = strings) {
  const text = table[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in params ? params[name] : `{${name}}`));
}

/** The same string in Japanese, for the slip's Japanese copy. */
export const tJa = (key, params) => t(key, params, japanese);

/** Fill every element marked data-t (text) or data-t-label (aria-label). */
export function applyStrings(root = document) {
  root.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  root.querySelectorAll("[data-t-label]").forEach((el) => el.setAttribute("aria-label", plain(t(el.dataset.tLabel))));
  root.querySelectorAll("[data-t-alt]").forEach((el) => el.setAttribute("alt", plain(t(el.dataset.tAlt))));
}

// Dates in the language's own format, always on Tokyo's clock: the browser's Intl where it knows
// the language; else CLDR patterns from the server (Babel's, the same the join page uses).
const INTL = { "ja-easy": "ja", th: "th-u-ca-gregory" };  // Thai: the Gregorian year, as on the slip
const knows = (lang) => Intl.DateTimeFormat.supportedLocalesOf([INTL[lang] || lang]).length > 0;

function tokyoParts(date) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-US", {
    timeZone: "Asia/Tokyo", year: "numeric", month: "numeric", day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(date).map((p) => [p.type, p.value]));
  const monday0 = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(parts.weekday);
  return { y: +parts.year, M: +parts.month, d: +parts.day, E: monday0, H: +parts.hour, m: +parts.minute };
}

/** Format with a CLDR pattern (y, M, d, E, H, m and 'literals'): what Babel's format_date does. */
function cldr(pattern, date, names) {
  const v = tokyoParts(date);
  return pattern.replace(/'([^']*)'|([yMdEHm])\2*/g, (token, literal, letter) => {
    if (literal !== undefined) return literal || "'";
    const n = token.length;
    const pad = (x) => String(x).padStart(n, "0");
    if (letter === "y") return n === 2 ? String(v.y).slice(-2) : String(v.y);
    if (letter === "M") return n >= 3 ? names.months[v.M - 1] : pad(v.M);
    if (letter === "E") return n >= 4 ? names.days[v.E] : names.days_short[v.E];
    return pad(v[letter]);
  });
}

function format(iso, lang, options, pattern) {
  const date = new Date(iso);
  if (knows(lang) || !strings._dates || lang !== current) {
    return new Intl.DateTimeFormat(INTL[lang] || lang, { timeZone: "Asia/Tokyo", ...options }).format(date);
  }
  return cldr(strings._dates[pattern] || pattern, date, strings._dates);
}

/** Date with weekday. */
export function formatDate(iso, lang = current) {
  return format(iso, lang, { year: "numeric", month: "long", day: "numeric", weekday: "long" }, "full");
}

export function formatTime(iso, lang = current) {
  return format(iso, lang, { hour: "2-digit", minute: "2-digit", hour12: false }, "HH:mm");
}

/** A day heading: weekday, day and the month by name ("Thu, December 3", "12月3日(木)"): a month
 *  in digits reads two ways ("12/3", "12-03"). CLDR fallback: the full pattern without its year. */
export function formatDay(isoDate, lang = current) {
  const withoutYear = (full) => full.replace(/\s*G+\s*/g, " ").replace(/[\s,.'/-]*\by+\b[\s,.'/-]*/g, " ").trim();
  const pattern = strings._dates && strings._dates.full ? withoutYear(strings._dates.full) : "MMMM d, E";
  return format(`${isoDate}T12:00:00+09:00`, lang, { month: "long", day: "numeric", weekday: "short" }, pattern);
}
