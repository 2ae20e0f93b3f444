// Cold start: from `create` to the first successful response through the gateway, for the echo
// processor and for a custom JavaScript processor. The reference, measured in the same run, is
// the floor of this machine: spawning a bare node:http server until it answers.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { request } from 'undici';
import { freePort } from '../src/shared/free-port.js';
import { PACKAGE_ROOT } from '../src/shared/paths.js';
import { median, round, sleep, startStack, type Stack } from './support.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);

async function firstSuccess(url: string, token: string, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      const res = await request(url, { method: 'POST', body: '{"features":[12,70,2]}', headers: { authorization: token } });
      await res.body.text();
      if (res.statusCode === 200) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`no successful response from ${url} within ${deadlineMs} ms`);
    await sleep(5);
  }
}

async function coldStart(stack: Stack, spec: Record<string, unknown>): Promise<number> {
  const name = spec.name as string;
  const t0 = performance.now();
  const created = await stack.api('POST', '/api/v2/services', spec);
  if (created.status !== 200) throw new Error(`create ${name}: ${JSON.stringify(created.json)}`);
  const token = (created.json as { AccessToken: string }).AccessToken;
  await firstSuccess(`${stack.gatewayUrl}/api/predict/${name}`, token, 30_000);
  const ms = performance.now() - t0;
  await stack.api('DELETE', `/api/v2/services/${name}`);
  for (let i = 0; i < 300 && (await stack.api('GET', `/api/v2/services/${name}`)).status !== 404; i++) await sleep(50);
  return ms;
}

async function bareNodeFloor(): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', `require('http').createServer((q,s)=>s.end('ok')).listen(${port},'127.0.0.1')`], { stdio: 'ignore', detached: true });
  try {
    for (;;) {
      try {
        const res = await request(`http://127.0.0.1:${port}/`);
        await res.body.text();
        return performance.now() - t0;
      } catch {
        await sleep(5);
      }
    }
  } finally {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  }
}

async function main(): Promise<void> {
  const stack = await startStack();
  const scorer = join(PACKAGE_ROOT, 'examples', 'scorer');
  const echo: number[] = [];
  const custom: number[] = [];
  const floor: number[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      echo.push(await coldStart(stack, { name: `echo_${i}`, processor: 'echo' }));
      custom.push(await coldStart(stack, { name: `scorer_${i}`, processor_path: scorer, processor_entry: 'index.mjs', model_path: join(scorer, 'model.json') }));
      floor.push(await bareNodeFloor());
    }
  } finally {
    await stack.stop();
  }
  const result = {
    bench: 'cold-start',
    rounds: ROUNDS,
    echo_ms_p50: round(median(echo), 1),
    echo_ms_max: round(Math.max(...echo), 1),
    custom_ms_p50: round(median(custom), 1),
    custom_ms_max: round(Math.max(...custom), 1),
    bare_node_http_ms_p50: round(median(floor), 1),
    echo_vs_bare_node: round(median(echo) / median(floor), 2),
    target_ms: 1500,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
