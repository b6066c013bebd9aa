// Rules the server owns, read from what the server sends (the kiosk state, or /api/v1/office on a
// phone). The JS never decides them; it only shows them.
//
// FALLBACK, until the state carries these fields (asked of the server, see the README):
//   languages                       [{code, name}]   kiosk/i18n.py NATIVE_NAMES
//   services.<service>.terms_docs   [doc, ...]       kiosk/domain/terms.py REQUIRED_DOCS
//   services.counseling.eligibility [key, ...]       kiosk/domain/requests.py ELIGIBILITY_QUESTIONS
// The copies below mirror those three constants and are used only while the fields are missing.
const FALLBACK = {
  languages: [["ja", "日本語"], ["ja-easy", "やさしいにほんご"], ["en", "English"], ["zh-Hans", "中文"],
              ["ko", "한국어"], ["pt-BR", "Português"], ["es", "Español"], ["vi", "Tiếng Việt"],
              ["tl", "Tagalog"], ["ne", "नेपाली"], ["id", "Bahasa Indonesia"], ["th", "ไทย"]],
  termsDocs: { counseling: ["online-services", "online-counseling"], event: ["online-services"] },
  eligibility: ["registered", "has_camera_device", "wants_continuous_counseling"],
};

/** [[code, native name], ...] in the order the pickers show them. */
export function languages(state) {
  const sent = state && state.languages;
  return Array.isArray(sent) && sent.length ? sent.map((l) => [l.code, l.name]) : FALLBACK.languages;
}

/** The terms documents a visitor accepts for `service`. */
export function termsDocs(state, service) {
  const sent = state && state.services && state.services[service] && state.services[service].terms_docs;
  return Array.isArray(sent) && sent.length ? sent : FALLBACK.termsDocs[service];
}

/** The eligibility questions of counseling (C3), by the keys the booking's `eligibility` carries. */
export function eligibilityQuestions(state) {
  const sent = state && state.services && state.services.counseling && state.services.counseling.eligibility;
  return Array.isArray(sent) && sent.length ? sent : FALLBACK.eligibility;
}
