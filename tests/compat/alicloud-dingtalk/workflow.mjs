// Runs DingTalk's official generated API client (@alicloud/dingtalk, unchanged) against a running Larkway Emulator.
// The client takes only a protocol and a host ("endpoint") and sends DingTalk's paths (/v1.0/...) to that host's root,
// so it is pointed at the Emulator's DingTalk API host (EmulatorOptions.DingTalkApiPort) through its own settings:
// Config's protocol 'http' and endpoint '<host>:<port>' in place of its default api.dingtalk.com.
// Usage: node workflow.mjs <dingTalkApiHost e.g. 127.0.0.1:8788> <appKey> <appSecret> <processCode> <originatorUserId>
// The package has no exports map, so ES modules import its per-API entry files by their file names (workflow_1_0.js).
// Prints one JSON line per step ({"token"}, {"started"}, {"instance"}, {"executed"}, {"ids"}, {"refused"}, {"done"}).
import OpenApi from '@alicloud/openapi-client';
import Util from '@alicloud/tea-util';
import oauth2 from '@alicloud/dingtalk/oauth2_1_0.js';
import workflow from '@alicloud/dingtalk/workflow_1_0.js';

const [endpoint, appKey, appSecret, processCode, originator] = process.argv.slice(2);
if (!originator) {
  console.error('usage: node workflow.mjs <host:port> <appKey> <appSecret> <processCode> <originatorUserId>');
  process.exit(2);
}

const say = (line) => console.log(JSON.stringify(line));
setTimeout(() => { say({ error: 'timed out' }); process.exit(1); }, 60_000).unref();

const config = () => new OpenApi.Config({ protocol: 'http', regionId: 'central', endpoint });
const runtime = new Util.RuntimeOptions({});

try {
  const auth = new oauth2.default(config());
  const token = await auth.getAccessToken(new oauth2.GetAccessTokenRequest({ appKey, appSecret }));
  say({ token: { status: token.statusCode, expireIn: token.body.expireIn, length: token.body.accessToken.length } });
  const accessToken = token.body.accessToken;

  const client = new workflow.default(config());
  const started = await client.startProcessInstanceWithOptions(new workflow.StartProcessInstanceRequest({
    processCode,
    originatorUserId: originator,
    formComponentValues: [
      new workflow.StartProcessInstanceRequestFormComponentValues({ name: 'Amount', value: '1200.50' }),
      new workflow.StartProcessInstanceRequestFormComponentValues({ name: 'Reason', value: 'Conference tickets' }),
      new workflow.StartProcessInstanceRequestFormComponentValues({ name: 'Payment date', value: '2026-12-01' }),
    ],
  }), new workflow.StartProcessInstanceHeaders({ xAcsDingtalkAccessToken: accessToken }), runtime);
  const instanceId = started.body.instanceId;
  say({ started: { instanceId } });

  const get = async () => (await client.getProcessInstanceWithOptions(
    new workflow.GetProcessInstanceRequest({ processInstanceId: instanceId }),
    new workflow.GetProcessInstanceHeaders({ xAcsDingtalkAccessToken: accessToken }), runtime)).body;
  const read = await get();
  const task = read.result.tasks.find((t) => t.status === 'RUNNING');
  say({
    instance: {
      success: read.success,
      status: read.result.status,
      originatorUserId: read.result.originatorUserId,
      amount: read.result.formComponentValues.find((v) => v.name === 'Amount')?.value,
      taskUserId: task.userId,
      taskId: task.taskId,
    },
  });

  const executed = await client.executeProcessInstanceWithOptions(new workflow.ExecuteProcessInstanceRequest({
    processInstanceId: instanceId, taskId: task.taskId, actionerUserId: task.userId, result: 'agree', remark: 'ok from @alicloud/dingtalk',
  }), new workflow.ExecuteProcessInstanceHeaders({ xAcsDingtalkAccessToken: accessToken }), runtime);
  const after = await get();
  say({
    executed: {
      success: executed.body.success,
      result: executed.body.result,
      taskStatus: after.result.tasks.find((t) => t.taskId === task.taskId)?.result,
      records: after.result.operationRecords.map((r) => r.type),
    },
  });

  const ids = await client.listProcessInstanceIdsWithOptions(new workflow.ListProcessInstanceIdsRequest({
    processCode, startTime: Date.now() - 3_600_000, maxResults: 20, nextToken: 0,
  }), new workflow.ListProcessInstanceIdsHeaders({ xAcsDingtalkAccessToken: accessToken }), runtime);
  say({ ids: { success: ids.body.success, list: ids.body.result.list } });

  // A refusal reaches the caller as the client's own error: DingTalk's code and status, parsed by the client.
  try {
    await client.getProcessInstanceWithOptions(new workflow.GetProcessInstanceRequest({ processInstanceId: instanceId }),
      new workflow.GetProcessInstanceHeaders({ xAcsDingtalkAccessToken: 'not-a-token' }), runtime);
    say({ error: 'a wrong token was accepted' });
    process.exit(1);
  } catch (e) {
    say({ refused: { code: e.code, statusCode: e.data?.statusCode } });
  }

  say({ done: true });
} catch (e) {
  say({ error: `${e.name}: ${e.message}`, code: e.code, data: e.data });
  process.exit(1);
}
