// The 求職番号 as the visitor types it, read the way the server reads it (kiosk/domain/jobseeker.py),
// so that the message next to the field says what is wrong before the visitor goes on. The server
// checks again; this only spares a round trip.

const DASHES = /[‐‑‒–—―−ー－ｰ]/g;

/** {value} in the canonical form 12345-6789, or {error}: the key of the message to show. */
export function normalizeJobseekerNo(raw) {
  if (!raw || !raw.trim()) return { error: "err_jobseeker_empty" };
  let text = raw.normalize("NFKC").replace(DASHES, "-").replace(/\s+/g, "");
  if (!/^[0-9-]+$/.test(text)) return { error: "err_jobseeker_chars" };
  if (!text.includes("-") && text.length >= 9 && text.length <= 13) text = `${text.slice(0, 5)}-${text.slice(5)}`;
  const parts = text.split("-");
  if (parts.length !== 2) return { error: "err_jobseeker_hyphen" };
  if (parts[0].length !== 5) return { error: "err_jobseeker_head" };
  if (parts[1].length < 4 || parts[1].length > 8) return { error: "err_jobseeker_tail" };
  return { value: text };
}
