// The server's rules as the kiosk reads them (pwa/static/js/rules.js): the state's, else the marked fallback.
import assert from "node:assert/strict";
import { test } from "node:test";

import { eligibilityQuestions, languages, termsDocs } from "../../pwa/static/js/rules.js";

test("what the state carries wins over the fallback", () => {
  const state = { languages: [{ code: "ja", name: "日本語" }, { code: "en", name: "English" }],
                  services: { counseling: { terms_docs: ["a", "b"], eligibility: ["registered"] }, event: { terms_docs: ["a"] } } };
  assert.deepEqual(languages(state), [["ja", "日本語"], ["en", "English"]]);
  assert.deepEqual(termsDocs(state, "counseling"), ["a", "b"]);
  assert.deepEqual(termsDocs(state, "event"), ["a"]);
  assert.deepEqual(eligibilityQuestions(state), ["registered"]);
});

test("without those fields (today's server) the fallback mirrors the server's constants", () => {
  const state = { services: { counseling: { meeting_apps: ["zoom"] }, event: {} } };
  assert.equal(languages(state).length, 12);
  assert.deepEqual(termsDocs(state, "counseling"), ["online-services", "online-counseling"]);
  assert.deepEqual(termsDocs(null, "event"), ["online-services"]);
  assert.deepEqual(eligibilityQuestions(state), ["registered", "has_camera_device", "wants_continuous_counseling"]);
});
