// Security-key ceremonies for staff, shared by the console and the kiosk's staff mode: the server
// keeps the challenge; the browser turns its JSON options into a ceremony and answers in JSON.

/** POST JSON with the header the server requires of staff changes (CSRF). */
export async function post(url, body) {
  let response;
  let answer;
  try {
    response = await fetch(url, {
      method: "POST", body: JSON.stringify(body), credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Madoguchi": "1" },
    });
    answer = await response.json();
  } catch (err) {
    // No answer, or not ours (a proxy's error page): the server cannot be reached.
    throw Object.assign(new Error(err.message), { offline: true });
  }
  if (!response.ok) {
    throw Object.assign(new Error(answer.error ? answer.error.message : String(response.status)),
      { code: answer.error?.code, status: response.status });
  }
  return answer;
}

export const supported = () => Boolean(window.PublicKeyCredential && PublicKeyCredential.parseCreationOptionsFromJSON);

/** One ceremony: options from `optionsUrl`, the key's answer to `verifyUrl`; returns the server's answer. */
export async function ceremony(optionsUrl, verifyUrl, body, extra = {}) {
  const { challenge_id: challengeId, options } = await post(optionsUrl, body);
  const credential = options.user
    ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
    : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
  return post(verifyUrl, { challenge_id: challengeId, credential: credential.toJSON(), ...extra });
}

export const signIn = (name) => ceremony("/api/v1/staff/signin/options", "/api/v1/staff/signin/verify", { name });
export const signOut = (everywhere = false) => post("/api/v1/staff/signout", { everywhere });
