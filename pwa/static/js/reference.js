// The booking reference printed on every slip, as a visitor types it back ("my booking"). The
// server reads it (kiosk/domain/bookings.py normalize_reference) and judges it; this only names
// the keys the kiosk shows and tells an empty field from a filled one.

/** The reference's 32 characters: no 0/O, no 1/I (kiosk/domain/bookings.py REFERENCE_ALPHABET;
 *  tests/js/reference.test.mjs keeps the two equal). */
export const REFERENCE_KEYS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** What was typed, as the server reads it: NFKC (full-width letters), upper case, letters and digits only. */
export function cleanReference(text) {
  return String(text ?? "").normalize("NFKC").toUpperCase().replace(/[^0-9A-Z]/g, "");
}

/** The digits typed (full-width ones too), nothing else. */
export function cleanDigits(text) {
  return String(text ?? "").normalize("NFKC").replace(/[^0-9]/g, "");
}
