// Runs DingTalk's official Stream client (dingtalk-stream, unchanged) against a running Larkway Emulator.
// The client has DingTalk's hosts built in; the only change is outside it: the shared axios instance it calls through
// is pointed at the emulator (the WebSocket endpoint comes from the emulator's own answer).
// Usage: node stream.mjs <emulatorBaseUrl> <appKey> <appSecret>
// Prints one JSON line per step ({"ready"}, {"robot"}, {"card"}, {"event"}, {"done"}); the test drives the emulator meanwhile.
import axios from 'axios';
import { DWClient, EventAck, TOPIC_ROBOT, TOPIC_CARD } from 'dingtalk-stream';

const [baseUrl, appKey, appSecret] = process.argv.slice(2);
if (!appSecret) {
  console.error('usage: node stream.mjs <emulatorBaseUrl> <appKey> <appSecret>');
  process.exit(2);
}

const say = (line) => console.log(JSON.stringify(line));
setTimeout(() => { say({ error: 'timed out' }); process.exit(1); }, 90_000).unref();

const emulator = baseUrl.replace(/\/$/, '') + '/dingtalk';
axios.interceptors.request.use((config) => {
  config.url = config.url.replace(/^https:\/\/(api|oapi)\.dingtalk\.com/, emulator);
  return config;
});

const seen = { robot: false, card: false, event: false };
const finishWhenAllSeen = () => {
  if (seen.robot && seen.card && seen.event) {
    // The acks go out after the listeners return; leave them time to.
    setTimeout(() => { client.disconnect(); say({ done: true }); process.exit(0); }, 300);
  }
};

const client = new DWClient({ clientId: appKey, clientSecret: appSecret });
client.registerCallbackListener(TOPIC_ROBOT, async (res) => {
  const message = JSON.parse(res.data);
  say({ robot: { msgId: message.msgId, text: message.text.content.trim(), conversationType: message.conversationType } });
  await axios.post(message.sessionWebhook, { msgtype: 'text', text: { content: 'echo: ' + message.text.content.trim() } });
  client.socketCallBackResponse(res.headers.messageId, { handled: true });
  seen.robot = true;
  finishWhenAllSeen();
});
client.registerCallbackListener(TOPIC_CARD, (res) => {
  const callback = JSON.parse(res.data);
  say({ card: { outTrackId: callback.outTrackId } });
  client.socketCallBackResponse(res.headers.messageId, { cardData: { cardParamMap: { status: 'approved' } } });
  seen.card = true;
  finishWhenAllSeen();
});
client.registerAllEventListener((event) => {
  say({ event: { type: event.headers.eventType, id: event.headers.eventId, corpId: event.headers.eventCorpId, unifiedAppId: event.headers.eventUnifiedAppId, bornTime: event.headers.eventBornTime } });
  seen.event = true;
  finishWhenAllSeen();
  return { status: EventAck.SUCCESS, message: 'OK' };
});

await client.connect();
const waitReady = setInterval(() => {
  if (client.connected) {
    clearInterval(waitReady);
    say({ ready: true });
  }
}, 50);
