// Idle memory: RSS of `easel up` (control plane), of its gateway and of one echo instance host,
// after they settle. The reference, measured in the same run, is an idle bare node process.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { InstanceDescription } from '../src/contract/api.js';
import { median, rssBytes, sleep, startStack } from './support.js';

const MB = 1024 * 1024;

function readGatewayPid(home: string): number {
  // The gateway's process record, written by the supervisor in <home>/system.
  return (JSON.parse(readFileSync(`${home}/system/gateway.json`, 'utf8')) as { pid: number }).pid;
}

async function main(): Promise<void> {
  const stack = await startStack();
  const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)'], { stdio: 'ignore', detached: true });
  try {
    const created = await stack.api('POST', '/api/v2/services', { name: 'echo', processor: 'echo' });
    if (created.status !== 200) throw new Error(JSON.stringify(created.json));
    let pid = 0;
    for (let i = 0; i < 200 && pid === 0; i++) {
      const list = (await stack.api('GET', '/api/v2/services/echo/instances')).json as InstanceDescription[];
      if (list[0]?.Ready === true) pid = list[0].Pid;
      else await sleep(50);
    }
    if (pid === 0) throw new Error('echo never became ready');
    const gatewayPid = readGatewayPid(stack.home);
    await sleep(5000);
    const sample = (p: number): number => {
      const v: number[] = [];
      for (let i = 0; i < 5; i++) v.push(rssBytes(p));
      return median(v) / MB;
    };
    const result = {
      bench: 'memory',
      controlplane_rss_mb: Math.round(sample(stack.child.pid ?? 0)),
      gateway_rss_mb: Math.round(sample(gatewayPid)),
      instance_host_rss_mb: Math.round(sample(pid)),
      bare_node_rss_mb: Math.round(sample(bare.pid ?? 0)),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    if (bare.pid !== undefined) process.kill(-bare.pid, 'SIGKILL');
    await stack.stop();
  }
}

await main();
