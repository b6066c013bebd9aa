// The 求職番号 read as the server reads it (pwa/static/js/jobseeker.js, kiosk/domain/jobseeker.py).
import assert from "node:assert/strict";
import { test } from "node:test";

import { normalizeJobseekerNo } from "../../pwa/static/js/jobseeker.js";

test("a number typed as printed is kept", () => {
  assert.deepEqual(normalizeJobseekerNo("28010-12345"), { value: "28010-12345" });
});

test("full-width digits, Japanese dashes and spaces are read as the server reads them", () => {
  assert.deepEqual(normalizeJobseekerNo("２８０１０－１２３４５"), { value: "28010-12345" });
  assert.deepEqual(normalizeJobseekerNo("28010ー1234 5678"), { value: "28010-12345678" });
  assert.deepEqual(normalizeJobseekerNo(" 28010 − 1234 "), { value: "28010-1234" });
});

test("a missing hyphen is put after the first five digits", () => {
  assert.deepEqual(normalizeJobseekerNo("2801012345"), { value: "28010-12345" });
});

test("an empty field asks for the number instead of calling it wrong", () => {
  assert.deepEqual(normalizeJobseekerNo(""), { error: "err_jobseeker_empty" });
  assert.deepEqual(normalizeJobseekerNo("   "), { error: "err_jobseeker_empty" });
});

test("each wrong part gets its own message", () => {
  assert.equal(normalizeJobseekerNo("28010-12a45").error, "err_jobseeker_chars");
  assert.equal(normalizeJobseekerNo("28-010-12345").error, "err_jobseeker_hyphen");
  assert.equal(normalizeJobseekerNo("2801-12345").error, "err_jobseeker_head");
  assert.equal(normalizeJobseekerNo("28010-123").error, "err_jobseeker_tail");
  assert.equal(normalizeJobseekerNo("28010-123456789").error, "err_jobseeker_tail");
});
