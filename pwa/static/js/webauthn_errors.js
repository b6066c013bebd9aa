// What to tell staff when a security-key ceremony fails, in Japanese and English: the browser's
// DOMException names (WebAuthn Level 3, §5.1.3 and §5.1.4), a fetch that never reached the server,
// and the server's own refusals by their code (kiosk/domain/errors.py). Pure: no DOM, no fetch.

export const MESSAGES = {
  cancelled: {
    ja: "セキュリティキーの操作が取り消されたか、時間切れになりました。もう一度「サインイン」を押し、キーが光ったら触れてください。",
    en: "The security key step was cancelled or timed out. Press Sign in again and touch the key when it blinks.",
  },
  already_registered: {
    ja: "このセキュリティキーはすでに登録されています。別のキーをお使いください。",
    en: "This security key is registered already. Please use another key.",
  },
  insecure: {
    ja: "このアドレスではセキュリティキーを使えません。管理者に正しいアドレス（https://…）を確認してください。",
    en: "Security keys cannot be used at this address. Ask an administrator for the right (https://) address.",
  },
  aborted: {
    ja: "操作が中断されました。もう一度お試しください。",
    en: "The step was interrupted. Please try again.",
  },
  not_supported: {
    ja: "このセキュリティキーまたはブラウザーは使えません。別のキーをお試しください。",
    en: "This security key or browser cannot be used. Please try another key.",
  },
  no_verification: {
    ja: "このキーは本人確認（PINや指紋）ができません。PINを設定したキーをお使いください。",
    en: "This key cannot verify you (a PIN or fingerprint). Please use a key with a PIN set.",
  },
  offline: {
    ja: "サーバーにつながりません。ネットワークを確認してから、もう一度お試しください。",
    en: "The server cannot be reached. Check the network, then try again.",
  },
  wrong_key: {
    ja: "このセキュリティキーは受け付けられませんでした。お名前とご自分のキーか確認してください。",
    en: "This security key was not accepted. Check your name and that the key is yours.",
  },
  link_unusable: {
    ja: "このリンクは期限切れか使用済みです。管理者に新しいリンクを依頼してください。",
    en: "This link has expired or was used already. Ask an administrator for a new one.",
  },
  too_many: {
    ja: "試行が多すぎます。1分ほど待ってから、もう一度お試しください。",
    en: "Too many tries. Please wait a minute and try again.",
  },
  signed_out: {
    ja: "サインインの有効期限が切れました。もう一度サインインしてください。",
    en: "You were signed out. Please sign in again.",
  },
  not_allowed: {
    ja: "このアカウントではこの操作はできません。",
    en: "Your account may not do this.",
  },
  unknown: {
    ja: "セキュリティキーでのサインインができませんでした。もう一度お試しください。",
    en: "Signing in with the security key did not work. Please try again.",
  },
};

// The browser's DOMException names.
const BY_NAME = {
  NotAllowedError: "cancelled",     // the person cancelled, or the ceremony timed out (the browser does not say which)
  InvalidStateError: "already_registered",
  SecurityError: "insecure",
  AbortError: "aborted",
  NotSupportedError: "not_supported",
  ConstraintError: "no_verification",
};

// The server's answers (error.code, set by webauthn.js's post()).
const BY_CODE = {
  sign_in_failed: "wrong_key",
  unknown_staff: "wrong_key",
  link_unusable: "link_unusable",
  rate_limited: "too_many",
  not_signed_in: "signed_out",
  not_allowed: "not_allowed",
};

// What fetch throws when it never got an answer: Chromium, Firefox, Safari.
const OFFLINE = /failed to fetch|networkerror|load failed|network request failed/i;

/** Which of MESSAGES describes `error` (an Error, a DOMException, or anything thrown). */
export function webauthnReason(error, online = true) {
  if (error && BY_CODE[error.code]) return BY_CODE[error.code];
  if (error && error.status === 429) return "too_many";
  if (error && BY_NAME[error.name]) return BY_NAME[error.name];
  if (error && error.name === "TypeError" && OFFLINE.test(String(error.message))) return "offline";
  if (!online) return "offline";
  return "unknown";
}

/** The message for `error` in `lang` ("ja" by default; "en"); `online` is navigator.onLine. */
export function webauthnMessage(error, lang = "ja", online = true) {
  const message = MESSAGES[webauthnReason(error, online)];
  return lang === "en" ? message.en : message.ja;
}
