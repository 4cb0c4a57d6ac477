// Downloads a file with a non-ASCII name from a running Larkway Emulator with the official Feishu Node SDK, unchanged:
// uploads it, sends it into the first chat the bot is in, then reads it back as a message resource and as the app's file.
// The SDK hands back the response headers as Node decoded them (ISO-8859-1, one char per byte); a caller takes the
// name from them by re-decoding those bytes as UTF-8, which is what this prints next to the raw header.
// Usage: node files.mjs <baseUrl> <appId> <appSecret> <fileName>
// Prints one JSON object; exits 1 on the first failure.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as lark from '@larksuiteoapi/node-sdk';

const [baseUrl, appId, appSecret, fileName] = process.argv.slice(2);
if (!fileName) {
  console.error('usage: node files.mjs <baseUrl> <appId> <appSecret> <fileName>');
  process.exit(2);
}

const client = new lark.Client({
  appId,
  appSecret,
  domain: baseUrl,
  appType: lark.AppType.SelfBuild,
  loggerLevel: lark.LoggerLevel.error,
});

const check = (step, res) => {
  if (res && typeof res.code === 'number' && res.code !== 0) {
    throw new Error(`${step}: code ${res.code} ${res.msg}`);
  }
  return res;
};
const data = (res) => (res && res.data !== undefined ? res.data : res);
const nameOf = (disposition) => {
  const match = /filename="((?:[^"\\]|\\.)*)"/.exec(Buffer.from(disposition ?? '', 'latin1').toString('utf8'));
  return match ? match[1].replace(/\\(.)/g, '$1') : null;
};

const bytes = Buffer.from('%PDF-1.4\n% larkway compat\n');
const out = {};
try {
  const uploaded = check('upload file', await client.im.file.create({
    data: { file_type: 'pdf', file_name: fileName, file: bytes },
  }));
  const fileKey = data(uploaded)?.file_key ?? uploaded?.file_key;
  out.file_key = fileKey;

  const chats = check('list chats', await client.im.chat.list({ params: { page_size: 20 } }));
  const chatId = data(chats).items[0]?.chat_id;
  if (!chatId) throw new Error('the bot is in no chat');
  const sent = check('send file', await client.im.message.create({
    params: { receive_id_type: 'chat_id' },
    data: { receive_id: chatId, msg_type: 'file', content: JSON.stringify({ file_key: fileKey }) },
  }));
  const messageId = data(sent).message_id;

  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'larkway-compat-'));
  const read = async (step, download) => {
    const target = path.join(folder, step);
    await download.writeFile(target);
    const disposition = download.headers['content-disposition'];
    return { header: disposition, name: nameOf(disposition), same_bytes: Buffer.compare(fs.readFileSync(target), bytes) === 0 };
  };
  out.resource = await read('resource', await client.im.messageResource.get({
    path: { message_id: messageId, file_key: fileKey },
    params: { type: 'file' },
  }));
  out.file = await read('file', await client.im.file.get({ path: { file_key: fileKey } }));
  fs.rmSync(folder, { recursive: true, force: true });
  console.log(JSON.stringify(out));
} catch (e) {
  console.log(JSON.stringify(out));
  console.error(e?.stack ?? String(e));
  process.exit(1);
}
