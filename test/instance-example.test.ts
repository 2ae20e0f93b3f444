// The shipped example (examples/scorer) and the example in docs/guides/custom-processors.md
// work as written.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { call, ROOT, startHost, tempDir, type RunningHost } from './instance-support.js';

/** examples/scorer.json with its relative paths resolved the way the CLI does. */
async function scorerSpec(): Promise<Record<string, unknown>> {
  const specPath = join(ROOT, 'examples', 'scorer.json');
  const spec = JSON.parse(await readFile(specPath, 'utf8')) as Record<string, unknown>;
  const base = dirname(specPath);
  for (const key of ['processor_path', 'model_path'] as const) spec[key] = resolve(base, String(spec[key]));
  return spec;
}

void describe('examples/scorer', () => {
  let h: RunningHost;
  before(async () => {
    h = await startHost(await scorerSpec());
  });
  after(() => h.stop());

  const post = async (body: string): Promise<{ status: number; json: unknown }> => {
    const r = await call(h.port, { body, headers: { 'content-type': 'application/json' } });
    assert.equal(r.headers['content-type'], 'application/json');
    return { status: r.status, json: r.json() };
  };

  void it('scores one feature vector with the weights from model.json', async () => {
    const r = await post('{"features":[0,0,0]}');
    assert.equal(r.status, 200);
    const expected = 1 / (1 + Math.exp(1.3));
    assert.ok(Math.abs((r.json as { score: number }).score - expected) < 1e-12);
  });

  void it('scores a batch', async () => {
    const r = await post('[[12, 70.5, 0], [2, 99.9, 4]]');
    assert.equal(r.status, 200);
    const scores = r.json as { score: number }[];
    assert.equal(scores.length, 2);
    assert.ok((scores[1]?.score ?? 0) > (scores[0]?.score ?? 1), 'more support calls, shorter tenure: more churn');
  });

  void it('answers bad input with 400 and a message that says what is wrong', async () => {
    const cases: [string, RegExp][] = [
      ['not json', /must be JSON/],
      ['{"x":1}', /expected \{"features": \[\.\.\.\]\}/],
      ['{"features":[1,2]}', /features has 2 values; the model takes 3 \(tenure_months, monthly_charges, support_calls\)/],
      ['{"features":[1,"2",3]}', /features\[1\] must be a finite number/],
      ['[[1,2,3],[1]]', /\[1\] has 1 values/],
      ['null', /expected/],
    ];
    for (const [body, message] of cases) {
      const r = await post(body);
      assert.equal(r.status, 400, body);
      assert.match((r.json as { error: string }).error, message, body);
    }
  });
});

void describe('docs/guides/custom-processors.md', () => {
  void it('its first processor and spec work as written', async () => {
    const guide = await readFile(join(ROOT, 'docs', 'guides', 'custom-processors.md'), 'utf8');
    const code = /```js\n([\s\S]*?)```/.exec(guide)?.[1];
    const specText = /```json\n([\s\S]*?)```/.exec(guide)?.[1];
    assert.ok(code !== undefined && specText !== undefined, 'the guide has a js and a json block');
    const dir = await tempDir();
    try {
      await mkdir(join(dir.path, 'sentiment'));
      await writeFile(join(dir.path, 'sentiment', 'index.mjs'), code);
      const spec = JSON.parse(specText) as Record<string, unknown>;
      spec.processor_path = resolve(dir.path, String(spec.processor_path));
      const h = await startHost(spec);
      try {
        const r = await call(h.port, { body: 'I love it, great stuff' });
        assert.equal(r.status, 200);
        assert.deepEqual(r.json(), { score: 2 });
        assert.ok(h.lines.some((l) => l.msg === 'word lists loaded' && l.words === 6));
      } finally {
        await h.stop();
      }
    } finally {
      await dir.remove();
    }
  });
});
