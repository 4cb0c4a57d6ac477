// Drives a Hub with a client generated from its OpenAPI document: types from openapi-typescript (generated/hub-api.ts,
// made by the test from the running Hub's document in a temporary copy of this folder), calls by openapi-fetch. Compiled by tsc with strict checks, so a
// request or answer that does not fit the document's types fails the compile before anything runs.
// Usage: node out/drive.js <hub url> <key> <webhook receiver url> <approval code> <run name>
// Prints one JSON object per line: {"webhook"…}, {"notification"…}, {"problem"…}, {"approval"…}, {"delivery"…}.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/hub-api.js";

type Problem = components["schemas"]["HubProblemDto"];

function argumentsOf(values: string[]) {
  const [hubUrl, key, receiverUrl, approvalCode, run] = values;
  if (!hubUrl || !key || !receiverUrl || !approvalCode || !run) {
    throw new Error("usage: drive.js <hub url> <key> <webhook receiver url> <approval code> <run name>");
  }
  return { hubUrl, key, receiverUrl, approvalCode, run };
}

const { hubUrl, key, receiverUrl, approvalCode, run } = argumentsOf(process.argv.slice(2));

const hub = createClient<paths>({ baseUrl: hubUrl, headers: { Authorization: `Bearer ${key}` } });

const print = (line: object) => console.log(JSON.stringify(line));

/** Waits for a condition the Hub reaches on its own (a delivery, a webhook); the guard only stops a hang. */
async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const guard = Date.now() + 60_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > guard) {
      throw new Error(`gave up waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function fail(what: string, status: number, problem: Problem | undefined): never {
  throw new Error(`${what}: ${status} ${problem?.title ?? ""} ${problem?.detail ?? ""}`);
}

async function main() {
  // A webhook subscription for the approval's events.
  const subscribed = await hub.POST("/api/v1/webhooks", {
    body: { url: receiverUrl, event_types: ["larkway.approval.*"], description: `${run} client` },
  });
  if (!subscribed.data) fail("webhook", subscribed.response.status, subscribed.error);
  const webhook = subscribed.data;
  print({ webhook: webhook.id, secret: webhook.secret?.startsWith("whsec_") ?? false });

  // A notification, sent once, until the Hub says it was sent.
  const accepted = await hub.POST("/api/v1/notifications", {
    body: {
      type: "purchase_order.created",
      idempotency_key: `${run}-po-4711-created`,
      recipients: [{ email: "alice@example.com" }],
      card: {
        header: { title: { tag: "plain_text", content: `Purchase order PO-4711 (${run})` } },
        elements: [{ tag: "div", text: { tag: "lark_md", content: "**Created** by the ERP" } }],
      },
    },
  });
  if (!accepted.data?.id) fail("notification", accepted.response.status, accepted.error);
  const notificationId = accepted.data.id;
  const sent = await until("the notification to be sent", async () => {
    const { data } = await hub.GET("/api/v1/notifications/{id}", { params: { path: { id: notificationId } } });
    return data?.status === "sent" ? data : undefined;
  });
  print({ notification: sent.id, status: sent.status, message_id: sent.recipients?.[0]?.message_id });

  // A bad request: the typed problem names the field to fix.
  const refused = await hub.POST("/api/v1/notifications", {
    body: { type: "purchase order", idempotency_key: `${run}-bad`, recipients: [{ email: "alice@example.com" }] },
  });
  print({ problem: refused.response.status, fields: refused.error?.errors?.map((e) => e.field) ?? [] });

  // An approval, then its state and the webhook delivery of its first event.
  const created = await hub.POST("/api/v1/approvals", {
    body: {
      approval_code: approvalCode,
      applicant: { email: "alice@example.com" },
      form: { amount: { value: 1200, currency: "CNY" }, reason: "Team offsite", method: "bank" },
      reference: "PO-4711",
      idempotency_key: `${run}-po-4711-approval`,
    },
  });
  if (!created.data?.id) fail("approval", created.response.status, created.error);
  const approvalId = created.data.id;
  const approval = await hub.GET("/api/v1/approvals/{id}", { params: { path: { id: approvalId } } });
  if (!approval.data) fail("approval read", approval.response.status, approval.error);
  print({ approval: approval.data.id, status: approval.data.status, instance_code: approval.data.instance_code });

  const delivery = await until("the approval's webhook delivery", async () => {
    const { data } = await hub.GET("/api/v1/webhooks/{id}/deliveries", {
      params: { path: { id: webhook.id! }, query: { status: "delivered" } },
    });
    return data?.items.find((d) => d.event_type === "larkway.approval.submitted");
  });
  print({ delivery: delivery.event_type, status: delivery.status, event_id: delivery.event_id });
}

main().catch((error: unknown) => {
  print({ error: String(error) });
  process.exitCode = 1;
});
