import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CliError } from './errors.js';
import { declaredName, parseJsonText, readSpecFile, resolveSpecPaths } from './spec-file.js';

const dir = '/srv/specs';

void test('relative model_path and processor_path are resolved against the spec folder', () => {
  const out = resolveSpecPaths({ name: 's', model_path: './model.json', processor_path: 'scorer' }, dir);
  assert.equal(out.model_path, '/srv/specs/model.json');
  assert.equal(out.processor_path, '/srv/specs/scorer');
});

void test('parent-relative paths resolve too (the server rejects ".." only in what it receives)', () => {
  assert.equal(resolveSpecPaths({ model_path: '../models/m.bin' }, dir).model_path, '/srv/models/m.bin');
});

void test('absolute paths and URLs are left as written', () => {
  const spec = {
    model_path: '/abs/model.json',
    processor_path: 'file://relative/looking/url',
  };
  assert.deepEqual(resolveSpecPaths(spec, dir), spec);
  assert.equal(resolveSpecPaths({ model_path: 'https://example.com/m.onnx' }, dir).model_path, 'https://example.com/m.onnx');
  assert.equal(resolveSpecPaths({ model_path: 'oss://bucket/m' }, dir).model_path, 'oss://bucket/m');
});

void test('containers get the spec folder as working_dir unless they name one', () => {
  const out = resolveSpecPaths(
    {
      containers: [{ script: 'python3 server.py' }, { script: 'x', working_dir: 'app' }, { script: 'y', working_dir: '/opt/app' }],
    },
    dir,
  );
  assert.deepEqual(out.containers, [
    { script: 'python3 server.py', working_dir: '/srv/specs' },
    { script: 'x', working_dir: '/srv/specs/app' },
    { script: 'y', working_dir: '/opt/app' },
  ]);
});

void test('values of the wrong type are left for the server to reject with their path', () => {
  const spec = { model_path: 42, processor_path: '', containers: ['not an object'] };
  assert.deepEqual(resolveSpecPaths(spec, dir), spec);
  assert.deepEqual(resolveSpecPaths({ containers: 'nope' }, dir), { containers: 'nope' });
});

void test('the input is not modified', () => {
  const spec = { model_path: 'm.json', containers: [{ script: 's' }] };
  resolveSpecPaths(spec, dir);
  assert.deepEqual(spec, { model_path: 'm.json', containers: [{ script: 's' }] });
});

void test('fields the spec does not have are not added', () => {
  assert.deepEqual(resolveSpecPaths({ name: 'x', processor: 'echo' }, dir), { name: 'x', processor: 'echo' });
});

void test('a JSON syntax error names file, line and column and shows the line', () => {
  const text = '{\n  "name": "echo",\n  "processor": "echo",\n}\n';
  assert.throws(
    () => parseJsonText(text, 'echo.json'),
    (err: unknown) => {
      assert.ok(err instanceof CliError);
      assert.equal(err.message, 'echo.json:4:1: invalid JSON: trailing commas are not allowed in JSON');
      assert.deepEqual(err.details, ['  }', '  ^']);
      return true;
    },
  );
});

void test('a byte-order mark does not make a spec invalid', () => {
  assert.deepEqual(parseJsonText('\ufeff{"a":1}', 'f.json'), { a: 1 });
});

void test('declaredName reads name or metadata.name', () => {
  assert.equal(declaredName({ name: 'a' }), 'a');
  assert.equal(declaredName({ metadata: { name: 'b' } }), 'b');
  assert.equal(declaredName({ metadata: 'x' }), undefined);
  assert.equal(declaredName({}), undefined);
});

void test('readSpecFile resolves against the file and rejects what is not an object', async () => {
  const tmp = await mkdtemp(join(tmpdir(), 'easel-cli-spec-'));
  after(() => rm(tmp, { recursive: true, force: true }));
  await writeFile(join(tmp, 'svc.json'), JSON.stringify({ name: 'svc', processor_path: './proc' }));
  await writeFile(join(tmp, 'list.json'), '[1, 2]');

  const file = await readSpecFile('svc.json', tmp);
  assert.equal(file.path, join(tmp, 'svc.json'));
  assert.equal(file.dir, tmp);
  assert.equal(file.spec.processor_path, join(tmp, 'proc'));

  await assert.rejects(readSpecFile('list.json', tmp), /a service spec must be a JSON object, got an array/);
  await assert.rejects(readSpecFile('missing.json', tmp), /cannot read spec file missing.json: no such file/);
  await assert.rejects(readSpecFile('.', tmp), /it is a folder/);
});
