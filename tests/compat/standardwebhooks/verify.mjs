// Verifies webhook requests with the Standard Webhooks library, as a receiving system would.
// Usage: node verify.mjs <cases.json>, the file an array of {"name", "secret", "headers": {…}, "body_base64"}.
// Prints an array of {"name", "ok", "error"}: ok when Webhook(secret).verify(body, headers) accepted the request.
import { readFileSync } from "node:fs";
import standardwebhooks from "standardwebhooks";

const { Webhook } = standardwebhooks;
const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
const results = cases.map(({ name, secret, headers, body_base64 }) => {
  try {
    new Webhook(secret).verify(Buffer.from(body_base64, "base64"), headers);
    return { name, ok: true, error: null };
  } catch (error) {
    return { name, ok: false, error: `${error.name}: ${error.message}` };
  }
});
process.stdout.write(JSON.stringify(results));
