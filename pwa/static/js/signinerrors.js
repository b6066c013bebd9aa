// What a failed security-key ceremony tells staff, in their language: the browser's WebAuthn
// errors and a failed fetch become one of our messages; the server's own refusals (already
// translated) are shown as they come, except a wrong key, which gets the steps to follow.

/** The staff string key for `err`, or null when the server's own message says it best. */
export function failureKey(err) {
  if (!err) return "wa_failed";
  if (err.code === "sign_in_failed") return "wa_wrong_key";
  if (err.code) return null;
  if (err.offline) return "wa_offline";
  switch (err.name) {
    case "NotAllowedError": return "wa_cancelled";     // cancelled, timed out, or no key of this account
    case "InvalidStateError": return "wa_invalid_state";
    case "SecurityError": return "wa_security";
    case "AbortError": return "wa_aborted";
    case "TypeError": return "wa_offline";             // fetch() could not reach the server
    default: return "wa_failed";
  }
}

/** The message to show for `err`, from `messages` (key -> translated text). */
export function failureMessage(err, messages) {
  const key = failureKey(err);
  return (key && messages[key]) || err?.message || messages.wa_failed || "";
}
