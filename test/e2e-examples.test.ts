// The README's path: `easel up --demo` deploys the example services, and the CLI deploys and
// calls the python container example exactly as the README shows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cleanup, startEasel, type EaselProcess } from './helpers/easel-process.js';

let easel: EaselProcess;

before(async () => {
  easel = await startEasel({ demo: true });
});

after(async () => {
  await cleanup(easel);
});


test('--demo deploys examples/echo.json, scorer.json and risk.json, and prints how to call them', async () => {
  assert.match(easel.output, /service echo\s+Running/);
  assert.match(easel.output, /service scorer\s+Running/);
  assert.match(easel.output, /service risk\s+Running/);
  const curl = /curl -H 'Authorization: (\S+)' -d '\{"x":1\}' (\S+)/.exec(easel.output);
  assert.ok(curl, easel.output);
  const echo = await easel.predict('echo', '{"x":1}', { token: curl[1] });
  assert.equal(echo.text, '{"x":1}');
  assert.equal(curl[2], `${easel.gatewayUrl}/api/predict/echo`);
});

test('the README commands work as written', async () => {
  const risk = JSON.parse(await easel.cli('predict', 'risk', '-d', '{"age": 31, "income": 42000, "debt_ratio": 0.35, "late_payments": 0}')) as { value: number }[];
  assert.ok(Math.abs((risk[0]?.value ?? 0) - 0.238) < 0.001);
  assert.match(await easel.cli('create', join('examples', 'iris.json')), /Service {3}iris/);
  assert.equal((await easel.describe('iris')).Status, 'Running');
  const scored = JSON.parse(await easel.cli('predict', 'scorer', '-d', '{"features":[24,80,1]}')) as { score: number };
  assert.ok(scored.score > 0 && scored.score < 1);
  await easel.cli('create', join('examples', 'pyserver.json'));
  const churn = JSON.parse(await easel.cli('predict', 'churn_py', '-d', '[{"tenure_months":3,"monthly_charges":80,"support_calls":5}]')) as { probability: number }[];
  assert.ok((churn[0]?.probability ?? 0) > 0.5);
  await easel.cli('modify', 'echo', '-D', 'metadata.instance=3');
  const workers = await easel.cli('w', 'echo', '--json');
  assert.equal((JSON.parse(workers) as unknown[]).length, 3);
  assert.match(await easel.cli('ls'), /churn_py\s+1\/1/);
  assert.match(await easel.cli('events', 'echo'), /ServiceScaled/);
});
