// Receives events from a running Larkway Emulator over its long connection with the official
// node-sdk WSClient + EventDispatcher, unchanged. Usage: node events-ws.mjs <baseUrl> <appId> <appSecret> <count>
// Prints one JSON line per step ({"ready"}, {"event"}, {"done"}); the test drives the Emulator meanwhile.
import * as lark from '@larksuiteoapi/node-sdk';

const [baseUrl, appId, appSecret, countArg] = process.argv.slice(2);
if (!countArg) {
  console.error('usage: node events-ws.mjs <baseUrl> <appId> <appSecret> <count>');
  process.exit(2);
}

const say = (line) => console.log(JSON.stringify(line));
const wanted = Number(countArg);
let received = 0;
// A hang guard only: the test has its own.
setTimeout(() => { say({ error: 'timed out' }); process.exit(1); }, 90_000).unref();

const wsClient = new lark.WSClient({
  appId,
  appSecret,
  domain: baseUrl,
  loggerLevel: lark.LoggerLevel.error,
  onReady: () => say({ ready: true }),
  onReconnected: () => say({ reconnected: true }),
  onError: (e) => { say({ error: String(e?.message ?? e) }); process.exit(1); },
});

const dispatcher = new lark.EventDispatcher({ loggerLevel: lark.LoggerLevel.error }).register({
  'im.message.receive_v1': async (data) => {
    received += 1;
    say({ event: { event_id: data.event_id, token: data.token, message_id: data.message.message_id, text: JSON.parse(data.message.content).text } });
    if (received >= wanted) {
      // The SDK sends the ack after this handler returns; leave it time to go out.
      setTimeout(() => { wsClient.close(); say({ done: true }); process.exit(0); }, 300);
    }
  },
});

await wsClient.start({ eventDispatcher: dispatcher });
