// The event-ingest benchmark's peer: @larksuiteoapi/node-sdk's EventDispatcher behind Node's own
// http server, answering the way the SDK's adaptDefault adapter does (parsed body with the request
// headers on its prototype → dispatcher.invoke → 200 with the JSON of what the handler returned).
// It stores nothing. Usage: node server.mjs <encryptKey> <verificationToken> [eventType] [port]
// Prints its base URL on the first line; GET /stats tells how many events reached the handlers.
// With INGEST_EMULATOR_URL (and INGEST_APP_ID / INGEST_APP_SECRET) it is also the bot the Hub is: for
// im.message.receive_v1 it does what the Hub's AppBot does with a plain text message — ignore app senders,
// answer direct messages and group messages that @-mention the bot (its open_id from bot/v3/info), with the
// fallback reply, through the SDK's Client (im.message.reply, uuid from the event) against the Emulator — inline,
// before the ack, as a node-sdk bot does. It keeps no conversation state (the Hub looks one up in its database).
// INGEST_AUTO_CHALLENGE=0 turns off the adapter's autoChallenge (on by default, as the SDK's docs set
// it up so that Feishu's URL check passes; it makes the SDK decrypt every event twice).
import http from 'node:http';
import { createHash } from 'node:crypto';
import * as lark from '@larksuiteoapi/node-sdk';

const [encryptKey, verificationToken, eventType = 'im.message.reaction.created_v1', port = '0'] = process.argv.slice(2);
if (!encryptKey || !verificationToken) {
  console.error('usage: node server.mjs <encryptKey> <verificationToken> [eventType] [port]');
  process.exit(2);
}

const eventsPath = '/feishu/events';
const autoChallenge = process.env.INGEST_AUTO_CHALLENGE !== '0';
let received = 0;
let replied = 0;

// The Hub's BotOptions.FallbackReply: the answer to a message that is neither a command nor an awaited answer.
const fallbackReply = 'I answer commands. Send /help to see them.';
const emulatorUrl = process.env.INGEST_EMULATOR_URL;
const client = emulatorUrl
  ? new lark.Client({
      appId: process.env.INGEST_APP_ID,
      appSecret: process.env.INGEST_APP_SECRET,
      domain: emulatorUrl,
      loggerLevel: lark.LoggerLevel.warn,
    })
  : null;
let botOpenId = null;
if (client) {
  const info = await client.request({ method: 'GET', url: '/open-apis/bot/v3/info' });
  botOpenId = info?.bot?.open_id ?? null;
}

const onMessage = async (data) => {
  received += 1;
  const { sender, message } = data;
  if (!client || sender?.sender_type === 'app') {
    return { msg: 'success' };
  }

  const mentions = message.mentions ?? [];
  const mentionsBot = botOpenId !== null && mentions.some((m) => m.id?.open_id === botOpenId);
  if (message.chat_type !== 'p2p' && !mentionsBot) {
    return { msg: 'success' };
  }

  let text = '';
  try {
    text = JSON.parse(message.content).text ?? '';
  } catch {
    text = '';
  }
  for (const m of mentions) {
    if (m.key) text = text.replaceAll(m.key, ' ');
  }
  text = text.trim();
  if (text.startsWith('/')) {
    throw new Error('commands are not part of the benchmark mix');
  }

  // Not a command (the mix has none): the fallback reply, keyed like the Hub's ({app}/{event id}/fallback).
  const uuid = createHash('sha256').update(`${data.app_id}/${data.event_id}/fallback`).digest('hex').slice(0, 32);
  await client.im.message.reply({
    path: { message_id: message.message_id },
    data: { content: JSON.stringify({ text: fallbackReply }), msg_type: 'text', uuid },
  });
  replied += 1;
  return { msg: 'success' };
};

// The SDK checks X-Lark-Signature over the re-serialised body, then decrypts; the handler runs only
// for a request that passed.
const handlers = {
  [eventType]: async () => {
    received += 1;
    return { msg: 'success' };
  },
  'im.message.reaction.created_v1': async () => {
    received += 1;
    return { msg: 'success' };
  },
  'im.message.receive_v1': onMessage,
};
const dispatcher = new lark.EventDispatcher({ encryptKey, verificationToken, loggerLevel: lark.LoggerLevel.warn }).register(handlers);

// What adaptDefault does with a request on its path: collect the body as text, JSON-parse it ('' when
// it is not JSON), put the headers on the prototype where the signature check looks for them, answer
// url_verification itself (autoChallenge), otherwise dispatch and end the response with JSON.stringify(result).
const onEvent = async (req, res) => {
  let text = '';
  req.setEncoding('utf8');
  for await (const chunk of req) {
    text += chunk;
  }

  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = '';
  }

  const data = Object.assign(Object.create({ headers: req.headers }), parsed);
  if (autoChallenge) {
    const { isChallenge, challenge } = lark.generateChallenge(data, { encryptKey: dispatcher.encryptKey });
    if (isChallenge) {
      res.end(JSON.stringify(challenge));
      return;
    }
  }

  const value = await dispatcher.invoke(data);
  res.end(JSON.stringify(value));
};

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === eventsPath) {
    onEvent(req, res).catch((err) => {
      console.error(err);
      res.statusCode = 500;
      res.end();
    });
  } else if (req.method === 'GET' && req.url === '/stats') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ received, replied }));
  } else if (req.method === 'GET' && req.url === '/healthz') {
    res.end('ok');
  } else {
    res.statusCode = 404;
    res.end();
  }
});

// Node closes idle keep-alive connections after 5 s by default; the generator pauses between runs
// and would then race the close. Kestrel keeps them for 130 s.
server.keepAliveTimeout = 130_000;
server.headersTimeout = 131_000;

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

server.listen(Number(port), '127.0.0.1', () => {
  console.log(`http://127.0.0.1:${server.address().port}`);
});
