// Runs WeCom's official AI bot client (@wecom/aibot-node-sdk, unchanged) against a running Larkway Emulator.
// The only setting changed is the SDK's own `wsUrl` option, pointed at the emulator's long-connection endpoint.
// Usage: node aibot.mjs <wsUrl> <botId> <secret> <reply|hold|image>
//   reply: on the first text message, streams an answer in three frames (each acked before the next) and exits.
//   hold:  stays connected; when taken over (disconnected_event) it reports how often it tried to reconnect, then exits.
//   image: on the first image message, downloads and decrypts it with the SDK's downloadFile and its aeskey, then exits.
// Prints one JSON line per step ({"ready"}, {"message"}, {"replied"}, {"kicked"}, {"image"}); the test drives the emulator meanwhile.
import { createHash } from 'node:crypto';
import { WSClient } from '@wecom/aibot-node-sdk';

const [wsUrl, botId, secret, mode] = process.argv.slice(2);
if (!mode) {
  console.error('usage: node aibot.mjs <wsUrl> <botId> <secret> <reply|hold|image>');
  process.exit(2);
}

const say = (line) => console.log(JSON.stringify(line));
setTimeout(() => { say({ error: 'timed out' }); process.exit(1); }, 90_000).unref();
const quiet = { debug() {}, info() {}, warn() {}, error: (...args) => console.error(...args) };

const client = new WSClient({ botId, secret, wsUrl, reconnectInterval: 100, heartbeatInterval: 1000, logger: quiet });
let reconnects = 0;
client.on('reconnecting', () => { reconnects++; });
client.on('authenticated', () => say({ ready: true }));
client.on('error', (e) => console.error('sdk error:', e.message));

client.on('message.text', async (frame) => {
  const body = frame.body;
  say({ message: { msgid: body.msgid, text: body.text.content, chattype: body.chattype, from: body.from.userid } });
  if (mode !== 'reply') return;
  try {
    const streamId = 'stream-' + body.msgid;
    await client.replyStream(frame, streamId, '<think>reading the question</think>', false);
    await client.replyStream(frame, streamId, '<think>reading the question</think>Hello', false);
    const ack = await client.replyStream(frame, streamId, '<think>reading the question</think>Hello from the official SDK: ' + body.text.content, true);
    say({ replied: { errcode: ack.errcode } });
    setTimeout(() => { client.disconnect(); process.exit(0); }, 100);
  } catch (e) {
    say({ error: 'reply failed: ' + JSON.stringify(e?.errmsg ?? e?.message ?? e) });
  }
});

client.on('message.image', async (frame) => {
  if (mode !== 'image') return;
  try {
    const { buffer } = await client.downloadFile(frame.body.image.url, frame.body.image.aeskey);
    say({ image: { length: buffer.length, sha256: createHash('sha256').update(buffer).digest('hex') } });
    setTimeout(() => { client.disconnect(); process.exit(0); }, 100);
  } catch (e) {
    say({ error: 'download failed: ' + (e?.message ?? e) });
  }
});

client.on('event.disconnected_event', () => {
  // The SDK stops by itself; wait several reconnect intervals to see that it really does not come back.
  setTimeout(() => { say({ kicked: { reconnects } }); process.exit(0); }, 1500);
});

client.connect();
