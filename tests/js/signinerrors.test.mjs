// Each way a security-key sign-in fails gets its own translated message (pwa/static/js/signinerrors.js).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { failureKey, failureMessage } from "../../pwa/static/js/signinerrors.js";

const named = (name, message = "raw browser text") => Object.assign(new Error(message), { name });
const server = (code, message) => Object.assign(new Error(message), { code, status: 401 });

test("a cancelled or timed-out ceremony is NotAllowedError and says to touch the key", () => {
  assert.equal(failureKey(named("NotAllowedError")), "wa_cancelled");
});

test("a key registered already, a wrong address and an interrupted request each have their message", () => {
  assert.equal(failureKey(named("InvalidStateError")), "wa_invalid_state");
  assert.equal(failureKey(named("SecurityError")), "wa_security");
  assert.equal(failureKey(named("AbortError")), "wa_aborted");
});

test("a fetch that cannot reach the server is offline, never the browser's English text", () => {
  assert.equal(failureKey(new TypeError("Failed to fetch")), "wa_offline");
  assert.equal(failureKey(Object.assign(new Error("Unexpected token <"), { offline: true })), "wa_offline");
});

test("the server's refusal of a wrong or unknown key gets the steps to follow", () => {
  assert.equal(failureKey(server("sign_in_failed", "The security key was not accepted.")), "wa_wrong_key");
});

test("another server refusal keeps the server's own translated message", () => {
  const err = server("rate_limited", "しばらくしてからお試しください。");
  assert.equal(failureKey(err), null);
  assert.equal(failureMessage(err, { wa_failed: "x" }), "しばらくしてからお試しください。");
});

test("anything else is the general failure, and every key exists in Japanese and English", () => {
  assert.equal(failureKey(named("UnknownError")), "wa_failed");
  const strings = readFileSync(new URL("../../kiosk/staff_strings.py", import.meta.url), "utf8");
  const source = readFileSync(new URL("../../pwa/static/js/signinerrors.js", import.meta.url), "utf8");
  const keys = new Set(source.match(/"wa_[a-z_]+"/g));
  for (const key of keys) assert.match(strings, new RegExp(`^    ${key}: S_\\(`, "m"), key);
  for (const lang of ["ja", "en"]) {
    const po = readFileSync(new URL(`../../translations/${lang}/LC_MESSAGES/staff.po`, import.meta.url), "utf8");
    assert.ok(po.includes("This security key is not registered for that name."), lang);
  }
});

test("the message shown is the translated one from the page's strings", () => {
  const messages = { wa_offline: "サーバーに接続できません。", wa_failed: "使えませんでした。" };
  assert.equal(failureMessage(new TypeError("Failed to fetch"), messages), "サーバーに接続できません。");
});
