// UI strings come from the server's gettext catalogs, one JSON file per language.
export const LANGUAGES = [
  ["ja", "日本語"], ["ja-easy", "やさしいにほんご"], ["en", "English"], ["zh-Hans", "中文"],
  ["ko", "한국어"], ["pt-BR", "Português"], ["es", "Español"], ["vi", "Tiếng Việt"],
  ["tl", "Tagalog"], ["ne", "नेपाली"], ["id", "Bahasa Indonesia"], ["th", "ไทย"],
];
const HTML_LANG = { "ja-easy": "ja", "zh-Hans": "zh-Hans", "pt-BR": "pt-BR" };
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
  root.querySelectorAll("[data-t-label]").forEach((el) => el.setAttribute("aria-label", t(el.dataset.tLabel)));
  root.querySelectorAll("[data-t-alt]").forEach((el) => el.setAttribute("alt", t(el.dataset.tAlt)));
}

/** Date with weekday and time, in the language's own format, always on Tokyo's clock. */
export function formatDate(iso, lang = current) {
  return new Intl.DateTimeFormat(HTML_LANG[lang] || lang, { timeZone: "Asia/Tokyo", year: "numeric", month: "long", day: "numeric", weekday: "long" }).format(new Date(iso));
}

export function formatTime(iso, lang = current) {
  return new Intl.DateTimeFormat(HTML_LANG[lang] || lang, { timeZone: "Asia/Tokyo", hour: "2-digit", minute: "2-digit", hour12: false }).format(new Date(iso));
}

export function formatDay(isoDate, lang = current) {
  return new Intl.DateTimeFormat(HTML_LANG[lang] || lang, { timeZone: "Asia/Tokyo", month: "numeric", day: "numeric", weekday: "short" }).format(new Date(`${isoDate}T12:00:00+09:00`));
}
