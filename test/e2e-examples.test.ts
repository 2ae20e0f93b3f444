// The README's path: `easel up --demo` deploys the example services, and the CLI deploys and
// calls the python container example exactly as the README shows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EASEL_BIN, PACKAGE_ROOT } from '../src/shared/paths.js';
import { cleanup, startEasel, type EaselProcess } from './helpers/easel-process.js';
import { TAG_VAR } from './helpers/cleanup.js';

const run = promisify(execFile);
let easel: EaselProcess;

before(async () => {
  easel = await startEasel({ demo: true });
});

after(async () => {
  await cleanup(easel);
});

/** Runs the CLI from the package root, as `npx easel ...` does. */
async function cli(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [EASEL_BIN, ...args], {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, EASEL_ENDPOINT: easel.cpUrl, EASEL_TOKEN: easel.token, [TAG_VAR]: easel.tag },
    timeout: 120_000,
  });
  return stdout;
}

test('--demo deploys examples/echo.json and examples/scorer.json, and prints how to call them', async () => {
  assert.match(easel.output, /service echo\s+Running/);
  assert.match(easel.output, /service scorer\s+Running/);
  const curl = /curl -H 'Authorization: (\S+)' -d '\{"x":1\}' (\S+)/.exec(easel.output);
  assert.ok(curl, easel.output);
  const echo = await easel.predict('echo', '{"x":1}', { token: curl[1] });
  assert.equal(echo.text, '{"x":1}');
  assert.equal(curl[2], `${easel.gatewayUrl}/api/predict/echo`);
});

test('the README commands work as written', async () => {
  const scored = JSON.parse(await cli('predict', 'scorer', '-d', '{"features":[24,80,1]}')) as { score: number };
  assert.ok(scored.score > 0 && scored.score < 1);
  await cli('create', join('examples', 'pyserver.json'));
  const churn = JSON.parse(await cli('predict', 'churn_py', '-d', '[{"tenure_months":3,"monthly_charges":80,"support_calls":5}]')) as { probability: number }[];
  assert.ok((churn[0]?.probability ?? 0) > 0.5);
  await cli('modify', 'echo', '-D', 'metadata.instance=3');
  const workers = await cli('w', 'echo', '--json');
  assert.equal((JSON.parse(workers) as unknown[]).length, 3);
  assert.match(await cli('ls'), /churn_py\s+1\/1/);
  assert.match(await cli('events', 'echo'), /ServiceScaled/);
});
