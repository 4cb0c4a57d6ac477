// The event-ingest benchmark's peer: @larksuiteoapi/node-sdk's EventDispatcher behind Node's own
// http server, answering the way the SDK's adaptDefault adapter does (parsed body with the request
// headers on its prototype → dispatcher.invoke → 200 with the JSON of what the handler returned).
// It stores nothing. Usage: node server.mjs <encryptKey> <verificationToken> [eventType] [port]
// Prints its base URL on the first line; GET /stats tells how many events reached the handler.
// INGEST_AUTO_CHALLENGE=0 turns off the adapter's autoChallenge (on by default, as the SDK's docs set
// it up so that Feishu's URL check passes; it makes the SDK decrypt every event twice).
import http from 'node:http';
import * as lark from '@larksuiteoapi/node-sdk';

const [encryptKey, verificationToken, eventType = 'im.message.reaction.created_v1', port = '0'] = process.argv.slice(2);
if (!encryptKey || !verificationToken) {
  console.error('usage: node server.mjs <encryptKey> <verificationToken> [eventType] [port]');
  process.exit(2);
}

const eventsPath = '/feishu/events';
const autoChallenge = process.env.INGEST_AUTO_CHALLENGE !== '0';
let received = 0;

// The SDK checks X-Lark-Signature over the re-serialised body, then decrypts; the handler runs only
// for a request that passed.
const dispatcher = new lark.EventDispatcher({ encryptKey, verificationToken, loggerLevel: lark.LoggerLevel.warn }).register({
  [eventType]: async () => {
    received += 1;
    return { msg: 'success' };
  },
});

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
    res.end(JSON.stringify({ received }));
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
