// Every way a security-key ceremony fails gets a translated message (pwa/static/js/webauthn_errors.js).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { MESSAGES, webauthnMessage, webauthnReason } from "../../pwa/static/js/webauthn_errors.js";

const dom = (name, message = "") => Object.assign(new Error(message), { name });
const server = (code, status) => Object.assign(new Error("server said no"), { code, status });

test("a cancelled or timed-out ceremony says so, in Japanese and English", () => {
  const err = dom("NotAllowedError", "The operation either timed out or was not allowed.");
  assert.match(webauthnMessage(err, "ja"), /取り消されたか、時間切れ/);
  assert.match(webauthnMessage(err, "en"), /cancelled or timed out/);
});

test("each DOMException a ceremony can throw has its own message", () => {
  assert.equal(webauthnReason(dom("InvalidStateError")), "already_registered");
  assert.equal(webauthnReason(dom("SecurityError")), "insecure");
  assert.equal(webauthnReason(dom("AbortError")), "aborted");
  assert.equal(webauthnReason(dom("NotSupportedError")), "not_supported");
  assert.equal(webauthnReason(dom("ConstraintError")), "no_verification");
  assert.match(webauthnMessage(dom("InvalidStateError"), "ja"), /すでに登録/);
});

test("a fetch that never reached the server is offline, in every browser's words", () => {
  for (const words of ["Failed to fetch", "NetworkError when attempting to fetch resource.", "Load failed"]) {
    const err = new TypeError(words);
    assert.equal(webauthnReason(err), "offline", words);
    assert.equal(webauthnMessage(err, "en"), MESSAGES.offline.en);
  }
  assert.equal(webauthnReason(new Error("anything"), false), "offline");
  assert.doesNotMatch(webauthnMessage(new TypeError("Failed to fetch"), "ja"), /fetch/i);
});

test("the server's refusal of an unknown key is the wrong key, whatever its message", () => {
  assert.equal(webauthnReason(server("sign_in_failed", 401)), "wrong_key");
  assert.match(webauthnMessage(server("sign_in_failed", 401), "ja"), /受け付けられませんでした/);
  assert.equal(webauthnReason(server("link_unusable", 410)), "link_unusable");
  assert.equal(webauthnReason(server(undefined, 429)), "too_many");
});

test("the server codes it names are codes the server has", () => {
  const python = readFileSync(new URL("../../kiosk/domain/errors.py", import.meta.url), "utf8")
    + readFileSync(new URL("../../kiosk/views/errors.py", import.meta.url), "utf8");
  const source = readFileSync(new URL("../../pwa/static/js/webauthn_errors.js", import.meta.url), "utf8");
  const block = source.slice(source.indexOf("const BY_CODE"), source.indexOf("};", source.indexOf("const BY_CODE")));
  for (const [, code] of block.matchAll(/^\s+(\w+):/gm)) assert.ok(python.includes(`"${code}"`), code);
});

test("anything else gets a plain message, never the browser's English", () => {
  assert.equal(webauthnMessage(undefined, "ja"), MESSAGES.unknown.ja);
  assert.equal(webauthnMessage("weird", "en"), MESSAGES.unknown.en);
  assert.equal(webauthnMessage(dom("UnknownError"), "fr"), MESSAGES.unknown.ja);
});

test("every message has Japanese and English text", () => {
  for (const [reason, m] of Object.entries(MESSAGES)) {
    assert.ok(m.ja && m.en && m.ja !== m.en, reason);
    assert.match(m.ja, /[\u3040-\u30ff\u4e00-\u9fff]/, reason);
  }
});
