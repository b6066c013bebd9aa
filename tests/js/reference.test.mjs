// The booking reference as the kiosk's keys show it and as a visitor types it (pwa/static/js/reference.js).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { REFERENCE_KEYS, cleanDigits, cleanReference } from "../../pwa/static/js/reference.js";

test("the keys are the server's reference alphabet, in its order", () => {
  const python = readFileSync(new URL("../../kiosk/domain/bookings.py", import.meta.url), "utf8");
  const [, alphabet] = python.match(/^REFERENCE_ALPHABET = "([^"]+)"/m);
  assert.equal(REFERENCE_KEYS, alphabet);
  assert.equal(new Set(REFERENCE_KEYS).size, 32);
  for (const confusable of "01IO") assert.ok(!REFERENCE_KEYS.includes(confusable), confusable);
});

test("a reference is read in any case, with spaces, hyphens and full-width letters", () => {
  assert.equal(cleanReference(" k7m 4qx "), "K7M4QX");
  assert.equal(cleanReference("K7M-4QX"), "K7M4QX");
  assert.equal(cleanReference("Ｋ７ｍ４ＱＸ"), "K7M4QX");
  assert.equal(cleanReference(""), "");
  assert.equal(cleanReference(undefined), "");
});

test("the digits are read full-width too, and nothing else counts", () => {
  assert.equal(cleanDigits("１２３４"), "1234");
  assert.equal(cleanDigits(" 12-34 "), "1234");
  assert.equal(cleanDigits("abcd"), "");
});
