// Drives a running Larkway Emulator's Docs and wiki with the official Feishu Node SDK, unchanged.
// Needs the default seed: the "Employee Handbook" wiki space (the app's bot is a member through the "Larkway Dev" group)
// with the node wikHandbookWelcome000000001 and its three child nodes.
// Usage: node docs.mjs <baseUrl> <appId> <appSecret>
// Prints one JSON object with what each step returned; exits 1 on the first failure.
import { randomUUID } from 'node:crypto';
import * as lark from '@larksuiteoapi/node-sdk';

const [baseUrl, appId, appSecret] = process.argv.slice(2);
if (!appSecret) {
  console.error('usage: node docs.mjs <baseUrl> <appId> <appSecret>');
  process.exit(2);
}

const client = new lark.Client({
  appId,
  appSecret,
  domain: baseUrl,
  appType: lark.AppType.SelfBuild,
  loggerLevel: lark.LoggerLevel.error,
  // The expected failure below is logged by the SDK: keep stdout for the one JSON line.
  logger: { error: console.error, warn: console.error, info: console.error, debug: console.error, trace: console.error },
});

const welcomeNode = 'wikHandbookWelcome000000001';
const data = (res) => (res && res.data !== undefined ? res.data : res);
const check = (step, res) => {
  if (res && typeof res.code === 'number' && res.code !== 0) {
    throw new Error(`${step}: code ${res.code} ${res.msg}`);
  }
  return res;
};
// A call expected to fail: the code from the body of the HTTP error the SDK raises.
const failure = async (call) => {
  try {
    const res = await call();
    return { code: res?.code ?? 0 };
  } catch (e) {
    return { code: e?.response?.data?.code ?? e?.code, status: e?.response?.status };
  }
};

const text = (content) => ({ block_type: 2, text: { elements: [{ text_run: { content } }] } });

const out = {};
try {
  // A document of the app's, two blocks added under the page once (the client_token replay adds nothing).
  const created = check('create document', await client.docx.v1.document.create({ data: { title: 'From node-sdk' } }));
  const documentId = data(created).document.document_id;
  out.created = { document_id: documentId, revision_id: data(created).document.revision_id, title: data(created).document.title };

  const clientToken = randomUUID();
  const children = [
    { block_type: 3, heading1: { elements: [{ text_run: { content: 'Agenda' } }] } },
    text('First point'),
    { block_type: 12, bullet: { elements: [{ text_run: { content: 'a bullet', text_element_style: { bold: true } } }] } },
  ];
  const add = async () => check('create children', await client.docx.v1.documentBlockChildren.create({
    path: { document_id: documentId, block_id: documentId },
    params: { document_revision_id: -1, client_token: clientToken },
    data: { children, index: 0 },
  }));
  const first = await add();
  const again = await add();
  out.children = {
    ids: data(first).children.map((b) => b.block_id),
    replayed: data(again).children.map((b) => b.block_id),
    revision: data(first).document_revision_id,
  };

  const got = check('get document', await client.docx.v1.document.get({ path: { document_id: documentId } }));
  out.document = { revision_id: data(got).document.revision_id, title: data(got).document.title };
  const raw = check('raw content', await client.docx.v1.document.rawContent({ path: { document_id: documentId }, params: { lang: 0 } }));
  out.raw_content = data(raw).content;

  let blockPages = 0;
  const blockTypes = [];
  for await (const page of await client.docx.v1.documentBlock.listWithIterator({
    path: { document_id: documentId },
    params: { page_size: 2, document_revision_id: -1 },
  })) {
    blockPages += 1;
    for (const block of page?.items ?? []) blockTypes.push(block.block_type);
  }
  out.blocks = { pages: blockPages, types: blockTypes };

  // A wiki node of the seeded handbook, its document, and its children two at a time.
  const node = check('get node', await client.wiki.v2.space.getNode({ params: { token: welcomeNode } }));
  out.node = { obj_token: data(node).node.obj_token, obj_type: data(node).node.obj_type, space_id: data(node).node.space_id, title: data(node).node.title };
  const wikiRaw = check('raw content of the node', await client.docx.v1.document.rawContent({ path: { document_id: out.node.obj_token } }));
  out.node.first_line = data(wikiRaw).content.split('\n')[0];

  let nodePages = 0;
  const titles = [];
  for await (const page of await client.wiki.v2.spaceNode.listWithIterator({
    path: { space_id: out.node.space_id },
    params: { parent_node_token: welcomeNode, page_size: 2 },
  })) {
    nodePages += 1;
    for (const item of page?.items ?? []) titles.push(item.title);
  }
  out.nodes = { pages: nodePages, titles };

  // A wiki token is no document_id: 1770002 (HTTP 404).
  out.wiki_token_as_document = await failure(() => client.docx.v1.document.get({ path: { document_id: welcomeNode } }));

  // Collaborators: Bob by email, listed, the app's own auth, removed.
  const member = check('add member', await client.drive.v1.permissionMember.create({
    path: { token: documentId },
    params: { type: 'docx', need_notification: false },
    data: { member_type: 'email', member_id: 'bob@example.com', perm: 'view', type: 'user' },
  }));
  out.member = data(member).member;
  const listed = check('list members', await client.drive.v1.permissionMember.list({ path: { token: documentId }, params: { type: 'docx', fields: 'name' } }));
  out.members = data(listed).items.map((m) => ({ member_id: m.member_id, perm: m.perm, name: m.name }));
  const auth = check('auth', await client.drive.v1.permissionMember.auth({ path: { token: documentId }, params: { type: 'docx', action: 'edit' } }));
  out.auth_edit = data(auth).auth_result;
  check('delete member', await client.drive.v1.permissionMember.delete({
    path: { token: documentId, member_id: 'bob@example.com' },
    params: { type: 'docx', member_type: 'email' },
  }));
  const after = check('list members again', await client.drive.v1.permissionMember.list({ path: { token: documentId }, params: { type: 'docx' } }));
  out.members_after = data(after).items?.length ?? 0;

  // Public settings: read, then open to the tenant.
  const before = check('get public', await client.drive.v2.permissionPublic.get({ path: { token: documentId }, params: { type: 'docx' } }));
  const patched = check('patch public', await client.drive.v2.permissionPublic.patch({
    path: { token: documentId },
    params: { type: 'docx' },
    data: { link_share_entity: 'tenant_readable' },
  }));
  out.public = { before: data(before).permission_public.link_share_entity, after: data(patched).permission_public.link_share_entity };

  console.log(JSON.stringify(out));
} catch (e) {
  console.error(e?.response?.data ? JSON.stringify(e.response.data) : String(e?.stack ?? e));
  console.log(JSON.stringify(out));
  process.exit(1);
}
