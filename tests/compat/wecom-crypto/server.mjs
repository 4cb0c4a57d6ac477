// An app's WeCom callback server built only on the official @wecom/crypto package (its getSignature, decrypt and
// encrypt), run against the Larkway Emulator. Usage: node server.mjs TOKEN ENCODING_AES_KEY CORP_ID
// Prints one JSON object per line: {"ready": url}, {"verified": {message, id}}, {"received": {message, id}}, {"error": …}.
import http from 'node:http';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';

const [token, aesKey, corpId] = process.argv.slice(2);
const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const cdata = (xml, name) => (xml.match(new RegExp(`<${name}><!\\[CDATA\\[([\\s\\S]*?)\\]\\]></${name}>`)) || [])[1];

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const q = url.searchParams;
  if (req.method === 'GET') {
    const echostr = q.get('echostr');
    if (getSignature(token, q.get('timestamp'), q.get('nonce'), echostr) !== q.get('msg_signature')) {
      say({ error: 'bad signature on URL verification' });
      res.writeHead(403).end();
      return;
    }
    const { message, id } = decrypt(aesKey, echostr);
    say({ verified: { message, id } });
    res.writeHead(200, { 'content-type': 'text/plain' }).end(message);
    return;
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => {
    try {
      const ciphered = cdata(body, 'Encrypt');
      if (getSignature(token, q.get('timestamp'), q.get('nonce'), ciphered) !== q.get('msg_signature')) {
        say({ error: 'bad signature on a callback' });
        res.writeHead(403).end();
        return;
      }
      const { message, id } = decrypt(aesKey, ciphered);
      say({ received: { message, id } });
      const from = cdata(message, 'FromUserName');
      const content = cdata(message, 'Content') || '';
      const reply = `<xml><ToUserName><![CDATA[${from}]]></ToUserName><FromUserName><![CDATA[${corpId}]]></FromUserName>`
        + `<CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType>`
        + `<Content><![CDATA[official reply to: ${content}]]></Content></xml>`;
      const encrypted = encrypt(aesKey, reply, corpId);
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = String(Math.floor(Math.random() * 1e9));
      const signature = getSignature(token, timestamp, nonce, encrypted);
      res.writeHead(200, { 'content-type': 'text/xml' }).end(
        `<xml><Encrypt><![CDATA[${encrypted}]]></Encrypt><MsgSignature><![CDATA[${signature}]]></MsgSignature>`
        + `<TimeStamp>${timestamp}</TimeStamp><Nonce><![CDATA[${nonce}]]></Nonce></xml>`);
    } catch (e) {
      say({ error: String(e && e.stack || e) });
      res.writeHead(500).end();
    }
  });
});

server.listen(0, '127.0.0.1', () => say({ ready: `http://127.0.0.1:${server.address().port}/wecom/callback` }));
