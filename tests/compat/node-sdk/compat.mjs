// Drives a running Larkway Emulator with the official Feishu Node SDK, unchanged.
// Needs the default seed (contact lookups name its users), with departments platform (under eng) and storage (under
// platform) added and the app's contact scope set to the eng department and Carol.
// Usage: node compat.mjs <baseUrl> <appId> <appSecret> <pngFile>
// It sends into the first group chat the bot is in.
// Prints one JSON object with what each step returned; exits 1 on the first failure.
import fs from 'node:fs';
import * as lark from '@larksuiteoapi/node-sdk';

const [baseUrl, appId, appSecret, pngFile] = process.argv.slice(2);
if (!pngFile) {
  console.error('usage: node compat.mjs <baseUrl> <appId> <appSecret> <pngFile>');
  process.exit(2);
}

const client = new lark.Client({
  appId,
  appSecret,
  domain: baseUrl,
  appType: lark.AppType.SelfBuild,
  loggerLevel: lark.LoggerLevel.error,
});

// The SDK returns the decoded body; some calls unwrap `data`, others do not.
const data = (res) => (res && res.data !== undefined ? res.data : res);
const check = (step, res) => {
  if (res && typeof res.code === 'number' && res.code !== 0) {
    throw new Error(`${step}: code ${res.code} ${res.msg}`);
  }
  return res;
};

const out = {};
try {
  const token = check('token', await client.auth.tenantAccessToken.internal({
    data: { app_id: appId, app_secret: appSecret },
  }));
  out.token = { prefix: String(token.tenant_access_token).slice(0, 2), expire: token.expire };

  const chats = check('list chats', await client.im.chat.list({ params: { page_size: 20 } }));
  out.chats = { count: data(chats).items.length, ids: data(chats).items.map((c) => c.chat_id) };

  const chatId = out.chats.ids[0];
  if (!chatId) throw new Error('the bot is in no chat');
  out.chat_id = chatId;

  const text = check('send text', await client.im.message.create({
    params: { receive_id_type: 'chat_id' },
    data: { receive_id: chatId, msg_type: 'text', content: JSON.stringify({ text: 'hello from node-sdk' }) },
  }));
  out.text = { message_id: data(text).message_id, msg_type: data(text).msg_type };

  const card = {
    config: { wide_screen_mode: true },
    header: { title: { tag: 'plain_text', content: 'node-sdk card' }, template: 'blue' },
    elements: [{ tag: 'div', text: { tag: 'lark_md', content: '**compat**' } }],
  };
  const cardRes = check('send card', await client.im.message.create({
    params: { receive_id_type: 'chat_id' },
    data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify(card) },
  }));
  out.card = { message_id: data(cardRes).message_id, msg_type: data(cardRes).msg_type };

  const image = check('upload image', await client.im.image.create({
    data: { image_type: 'message', image: fs.readFileSync(pngFile) },
  }));
  const imageKey = data(image)?.image_key ?? image?.image_key;
  const imageMessage = check('send image', await client.im.message.create({
    params: { receive_id_type: 'chat_id' },
    data: { receive_id: chatId, msg_type: 'image', content: JSON.stringify({ image_key: imageKey }) },
  }));
  out.image = { image_key: imageKey, message_id: data(imageMessage).message_id };

  // Page through history two at a time with the SDK's own iterator.
  const seen = [];
  let pages = 0;
  for await (const page of await client.im.message.listWithIterator({
    params: { container_id_type: 'chat', container_id: chatId, page_size: 2 },
  })) {
    pages += 1;
    for (const item of page?.items ?? []) seen.push(item.message_id);
  }
  out.history = { pages, message_ids: seen };

  // Contact: ids by email and mobile (default seed: alice@example.com, +8613800000002 is Bob).
  const ids = check('batch get id', await client.contact.v3.user.batchGetId({
    params: { user_id_type: 'open_id' },
    data: { emails: ['alice@example.com', 'nobody@example.com'], mobiles: ['+8613800000002'], include_resigned: false },
  }));
  out.contact = { user_list: data(ids).user_list };

  // Contact reads: one user, a subtree page by page, a department's members page by page, the app's scope.
  const bobOpenId = data(ids).user_list[2].user_id;
  const user = check('get user', await client.contact.v3.user.get({
    path: { user_id: bobOpenId },
    params: { user_id_type: 'open_id', department_id_type: 'department_id' },
  }));
  out.user = { open_id: data(user).user.open_id, name: data(user).user.name, department_ids: data(user).user.department_ids };

  const departments = [];
  for await (const page of await client.contact.v3.department.childrenWithIterator({
    path: { department_id: 'eng' },
    params: { department_id_type: 'department_id', fetch_child: true, page_size: 1 },
  })) {
    for (const item of page?.items ?? []) departments.push({ id: item.department_id, parent: item.parent_department_id });
  }
  out.children = departments;

  const members = [];
  for await (const page of await client.contact.v3.user.findByDepartmentWithIterator({
    params: { department_id: 'eng', department_id_type: 'department_id', page_size: 1 },
  })) {
    for (const item of page?.items ?? []) members.push(item.open_id);
  }
  out.members = members;

  const scopeUsers = [];
  const scopeDepartments = [];
  let scopePages = 0;
  for await (const page of await client.contact.v3.scope.listWithIterator({
    params: { department_id_type: 'department_id', page_size: 1 },
  })) {
    scopePages += 1;
    scopeUsers.push(...(page?.user_ids ?? []));
    scopeDepartments.push(...(page?.department_ids ?? []));
  }
  out.scopes = { pages: scopePages, user_ids: scopeUsers, department_ids: scopeDepartments };

  // Bitable: a base, a table with fields, a batch of records (with a client_token, sent twice), a search paged by the SDK.
  const base = check('create base', await client.bitable.app.create({ data: { name: 'compat base', time_zone: 'Asia/Shanghai' } }));
  const appToken = data(base).app.app_token;
  const table = check('create table', await client.bitable.appTable.create({
    path: { app_token: appToken },
    data: {
      table: {
        name: 'Orders',
        default_view_name: 'Grid',
        fields: [
          { field_name: 'Order', type: 1 },
          { field_name: 'Amount', type: 2 },
          { field_name: 'Status', type: 3, property: { options: [{ name: 'Open' }, { name: 'Paid' }] } },
        ],
      },
    },
  }));
  const tableId = data(table).table_id;
  const records = [1, 2, 3, 4, 5].map((n) => ({ fields: { Order: `PO-${n}`, Amount: n * 10, Status: n % 2 ? 'Open' : 'Paid' } }));
  const clientToken = '0b4f3a9e-2c1d-4e5f-8a6b-7c8d9e0f1a2b';
  const batch = check('batch create records', await client.bitable.appTableRecord.batchCreate({
    path: { app_token: appToken, table_id: tableId },
    params: { client_token: clientToken },
    data: { records },
  }));
  const again = check('batch create again', await client.bitable.appTableRecord.batchCreate({
    path: { app_token: appToken, table_id: tableId },
    params: { client_token: clientToken },
    data: { records },
  }));
  const found = [];
  let searchPages = 0;
  for await (const page of await client.bitable.appTableRecord.searchWithIterator({
    path: { app_token: appToken, table_id: tableId },
    params: { page_size: 2 },
    data: {
      filter: { conjunction: 'and', conditions: [{ field_name: 'Status', operator: 'is', value: ['Open'] }] },
      sort: [{ field_name: 'Amount', desc: true }],
      automatic_fields: true,
    },
  })) {
    searchPages += 1;
    for (const item of page?.items ?? []) found.push({ order: item.fields.Order?.[0]?.text, amount: item.fields.Amount });
  }
  out.bitable = {
    app_token: appToken,
    table_id: tableId,
    created: data(batch).records.map((r) => r.record_id),
    replayed: data(again).records.map((r) => r.record_id),
    search: { pages: searchPages, found },
  };

  // Sign-in: codes come from the Emulator's control API (the authorize page's Allow for Alice); the SDK's own authen
  // calls exchange them (it authenticates the historical OIDC endpoints with its tenant_access_token).
  const codeFor = async () => {
    const res = await fetch(`${baseUrl}/_emulator/authen/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: appId, redirect_uri: 'http://127.0.0.1:5000/callback', scope: 'offline_access', user: 'alice@example.com' }),
    });
    const body = await res.json();
    if (body.code !== 0) throw new Error(`authorize: code ${body.code} ${body.msg}`);
    return body.data.code;
  };
  const oidc = check('oidc access token', await client.authen.oidcAccessToken.create({
    data: { grant_type: 'authorization_code', code: await codeFor() },
  }));
  const refreshed = check('oidc refresh', await client.authen.oidcRefreshAccessToken.create({
    data: { grant_type: 'refresh_token', refresh_token: data(oidc).refresh_token },
  }));
  const me = check('user info', await client.authen.userInfo.get({}, lark.withUserAccessToken(data(refreshed).access_token)));
  const v1 = check('v1 access token', await client.authen.accessToken.create({
    data: { grant_type: 'authorization_code', code: await codeFor() },
  }));
  out.authen = {
    access_prefix: String(data(oidc).access_token).slice(0, 2),
    rotated: data(refreshed).refresh_token !== data(oidc).refresh_token,
    expires_in: data(refreshed).expires_in,
    user_info: { open_id: data(me).open_id, name: data(me).name, email: data(me).email },
    v1: { open_id: data(v1).open_id, has_refresh_token: Boolean(data(v1).refresh_token) },
  };

  console.log(JSON.stringify(out));
} catch (e) {
  const detail = e?.response?.data ? JSON.stringify(e.response.data) : '';
  console.error(`compat failed: ${e?.message ?? e} ${detail}`);
  console.log(JSON.stringify(out));
  process.exit(1);
}
