import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseInstanceConfig, readInstanceConfig } from './config.js';

const good = { service: 'svc', instance: 'svc-1', version: 2, host: '127.0.0.1', port: 8080, dir: '/tmp/x', spec: { name: 'svc', processor: 'echo' } };

void describe('parseInstanceConfig', () => {
  void it('accepts a config the runtime writes', () => {
    const r = parseInstanceConfig(good);
    assert.equal(r.ok, true);
    if (r.ok) assert.deepEqual(r.config, good);
  });

  void it('reports every problem, spec problems with their path', () => {
    const r = parseInstanceConfig({ ...good, instance: '', version: 1.5, port: 70000, spec: { processor: 'echo' } });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.ok(r.problems.includes('instance: must be a non-empty string'));
    assert.ok(r.problems.includes('version: must be an integer'));
    assert.ok(r.problems.includes('port: must be an integer from 0 to 65535'));
    assert.ok(r.problems.includes('spec.name: is required'), r.problems.join('; '));
  });

  void it('rejects what is not an object', () => {
    assert.deepEqual(parseInstanceConfig([]), { ok: false, problems: ['expected a JSON object'] });
    const r = parseInstanceConfig({ ...good, spec: 5 });
    assert.equal(r.ok, false);
    if (!r.ok) assert.deepEqual(r.problems, ['spec: expected a JSON object']);
  });
});

void describe('readInstanceConfig', () => {
  void it('names the file in errors about reading and parsing it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'easel-config-'));
    try {
      const path = join(dir, 'instance.json');
      await assert.rejects(readInstanceConfig(path), (e: Error) => e.message.startsWith(`invalid instance config ${path}: ENOENT`));
      await writeFile(path, '{ nope');
      await assert.rejects(readInstanceConfig(path), /not valid JSON/);
      await writeFile(path, JSON.stringify(good));
      assert.equal((await readInstanceConfig(path)).instance, 'svc-1');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
