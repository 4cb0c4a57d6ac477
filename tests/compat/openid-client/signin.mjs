// Signs a person in through the Larkway Hub with openid-client, unchanged: discovery, the authorization code flow with
// PKCE, state and nonce, id_token validation, userinfo and a refresh. The Hub runs on loopback over http, which
// openid-client accepts only with its explicit allowInsecureRequests option; it is used for that reason alone.
// The browser's part (the Hub's sign-in page, Feishu's Allow) is played over plain HTTP, with the Emulator's control
// API standing in for the click on its authorize page.
//
// Usage: node signin.mjs <hub url> <emulator url> <client_id> <client_secret> <redirect_uri> <user email>
// Prints one JSON object on stdout; exits non-zero on any failure.
import * as client from "openid-client";

const [hubUrl, emulatorUrl, clientId, clientSecret, redirectUri, user] = process.argv.slice(2);

const cookies = new Map();
function remember(response) {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const at = pair.indexOf("=");
    cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
}

async function browse(url, init = {}) {
  const response = await fetch(url, {
    ...init,
    redirect: "manual",
    headers: { ...(init.headers ?? {}), cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
  });
  remember(response);
  return response;
}

async function follow(url) {
  const response = await browse(url);
  if (response.status !== 302) {
    throw new Error(`expected a redirect from ${url}, got ${response.status}: ${(await response.text()).slice(0, 400)}`);
  }

  return new URL(response.headers.get("location"), url);
}

const config = await client.discovery(new URL(hubUrl), clientId, clientSecret, client.ClientSecretBasic(clientSecret), {
  execute: [client.allowInsecureRequests],
});

const verifier = client.randomPKCECodeVerifier();
const challenge = await client.calculatePKCECodeChallenge(verifier);
const state = client.randomState();
const nonce = client.randomNonce();
const authorizeUrl = client.buildAuthorizationUrl(config, {
  redirect_uri: redirectUri,
  scope: "openid profile email groups offline_access",
  code_challenge: challenge,
  code_challenge_method: "S256",
  state,
  nonce,
});

// The browser: the Hub's sign-in page, Sign in with Feishu, Allow at the Emulator, back through the Hub to the app.
const signInPage = await follow(authorizeUrl);
const html = await (await browse(signInPage)).text();
const start = /id="feishu-sign-in" href="([^"]+)"/.exec(html)?.[1]?.replaceAll("&amp;", "&");
if (!start) {
  throw new Error("no 'Sign in with Feishu' link on the sign-in page");
}

const feishu = await follow(new URL(start, signInPage));
const click = Object.fromEntries([...feishu.searchParams].filter(([k]) => k !== "scope"));
const allowed = await fetch(new URL("/_emulator/authen/authorize", emulatorUrl), {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ ...click, user, decision: "allow" }),
});
if (!allowed.ok) {
  throw new Error(`the Emulator refused the click: ${await allowed.text()}`);
}

// Back through the Hub: its Feishu callback, then its own step that finishes the sign-in, then to the app.
let back = new URL((await allowed.json()).data.location);
for (let hops = 0; hops < 5 && back.origin === new URL(hubUrl).origin && back.pathname.startsWith("/oidc/feishu/"); hops++) {
  back = await follow(back);
}

// The relying party's part: openid-client checks state, iss, the code exchange, PKCE, the id_token and nonce.
const tokens = await client.authorizationCodeGrant(config, back, {
  pkceCodeVerifier: verifier,
  expectedState: state,
  expectedNonce: nonce,
  idTokenExpected: true,
});
const claims = tokens.claims();
const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);

console.log(JSON.stringify({
  issuer: config.serverMetadata().issuer,
  sub: claims.sub,
  name: claims.name,
  email: claims.email,
  amr: claims.amr,
  nonce_checked: claims.nonce === nonce,
  userinfo_sub: userinfo.sub,
  userinfo_name: userinfo.name,
  refreshed_sub: refreshed.claims()?.sub,
  refresh_rotated: typeof refreshed.refresh_token === "string" && refreshed.refresh_token !== tokens.refresh_token,
  expires_in: tokens.expiresIn(),
}));
