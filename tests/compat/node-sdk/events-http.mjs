// Receives the Emulator's signed + encrypted HTTP event push with the official node-sdk
// EventDispatcher behind Node's http server (adaptDefault), unchanged.
// Usage: node events-http.mjs <encryptKey> <verificationToken> <count>
// Prints {"url"} once listening, then one {"event"} line per event, then {"done"}.
import http from 'node:http';
import * as lark from '@larksuiteoapi/node-sdk';

const [encryptKey, verificationToken, countArg] = process.argv.slice(2);
if (!countArg) {
  console.error('usage: node events-http.mjs <encryptKey> <verificationToken> <count>');
  process.exit(2);
}

const say = (line) => console.log(JSON.stringify(line));
const wanted = Number(countArg);
let received = 0;
setTimeout(() => { say({ error: 'timed out' }); process.exit(1); }, 90_000).unref();

// The dispatcher checks X-Lark-Signature and decrypts; a handler only runs for a valid request.
const dispatcher = new lark.EventDispatcher({ encryptKey, verificationToken, loggerLevel: lark.LoggerLevel.error }).register({
  'im.message.receive_v1': async (data) => {
    received += 1;
    say({ event: { event_id: data.event_id, token: data.token, message_id: data.message.message_id, text: JSON.parse(data.message.content).text } });
    if (received >= wanted) {
      setTimeout(() => { server.close(); say({ done: true }); process.exit(0); }, 300);
    }
    return 'ok';
  },
});

const server = http.createServer(lark.adaptDefault('/events', dispatcher, { autoChallenge: true }));
server.listen(0, '127.0.0.1', () => say({ url: `http://127.0.0.1:${server.address().port}/events` }));
