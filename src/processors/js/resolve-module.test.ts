import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveProcessorModule } from './resolve-module.js';

let root: string;

async function files(dir: string, contents: Record<string, string>): Promise<string> {
  const base = join(root, dir);
  for (const [name, text] of Object.entries(contents)) {
    const p = join(base, name);
    await mkdir(join(p, '..'), { recursive: true });
    await writeFile(p, text);
  }
  await mkdir(base, { recursive: true });
  return base;
}

async function failure(path: string, entry?: string): Promise<string> {
  try {
    await resolveProcessorModule(path, entry);
  } catch (e) {
    assert.equal((e as { phase?: string }).phase, 'load');
    return (e as Error).message;
  }
  return assert.fail('resolved');
}

void describe('resolveProcessorModule', () => {
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'easel-resolve-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  void it('takes a .js, .mjs or .cjs file as it is, also as a file:// URL', async () => {
    const dir = await files('single', { 'p.mjs': '', 'q.cjs': '', 'r.JS': '', 'model.json': '' });
    assert.equal(await resolveProcessorModule(join(dir, 'p.mjs'), undefined), join(dir, 'p.mjs'));
    assert.equal(await resolveProcessorModule(join(dir, 'q.cjs'), undefined), join(dir, 'q.cjs'));
    assert.equal(await resolveProcessorModule(join(dir, 'r.JS'), undefined), join(dir, 'r.JS'));
    assert.equal(await resolveProcessorModule(pathToFileURL(join(dir, 'p.mjs')).href, undefined), join(dir, 'p.mjs'));
    assert.match(await failure(join(dir, 'model.json')), /: not a \.js, \.mjs or \.cjs file$/);
    assert.match(await failure(join(dir, 'p.mjs'), 'x.mjs'), /processor_entry applies only when processor_path is a folder/);
  });

  void it('names the path it could not find', async () => {
    const missing = join(root, 'nope');
    assert.equal(await failure(missing), `cannot load processor ${missing}: no such file or directory`);
    assert.match(await failure('relative/p.mjs'), /must be an absolute path or a file:\/\/ URL/);
  });

  void it('in a folder, prefers processor_entry, then package.json main, then index.js, then index.mjs', async () => {
    const dir = await files('all', { 'entry.mjs': '', 'lib/main.js': '', 'package.json': '{"main":"lib/main.js"}', 'index.js': '', 'index.mjs': '' });
    assert.equal(await resolveProcessorModule(dir, 'entry.mjs'), join(dir, 'entry.mjs'));
    assert.equal(await resolveProcessorModule(dir, undefined), join(dir, 'lib/main.js'));
    const noMain = await files('index-both', { 'index.js': '', 'index.mjs': '', 'package.json': '{"name":"x"}' });
    assert.equal(await resolveProcessorModule(noMain, undefined), join(noMain, 'index.js'));
    const mjsOnly = await files('index-mjs', { 'index.mjs': '' });
    assert.equal(await resolveProcessorModule(mjsOnly, undefined), join(mjsOnly, 'index.mjs'));
  });

  void it('reads package.json main the way Node does', async () => {
    const noExt = await files('main-noext', { 'package.json': '{"main":"server"}', 'server.js': '' });
    assert.equal(await resolveProcessorModule(noExt, undefined), join(noExt, 'server.js'));
    const dirMain = await files('main-dir', { 'package.json': '{"main":"./lib"}', 'lib/index.js': '' });
    assert.equal(await resolveProcessorModule(dirMain, undefined), join(dirMain, 'lib/index.js'));
  });

  void it('explains a folder it cannot use', async () => {
    const empty = await files('empty', {});
    assert.match(await failure(empty), /the folder has no module: set processor_entry, package.json "main", or add index\.js or index\.mjs$/);
    const badJson = await files('bad-json', { 'package.json': '{', 'index.js': '' });
    assert.match(await failure(badJson), /package\.json is not valid JSON/);
    const badMain = await files('bad-main', { 'package.json': '{"main":"gone.js"}' });
    assert.match(await failure(badMain), /package\.json "main" \(gone\.js\) names no file/);
    const outside = await files('outside', { 'package.json': '{"main":"../all/index.js"}' });
    assert.match(await failure(outside), /points outside the processor folder/);
    const mainType = await files('main-type', { 'package.json': '{"main":5}' });
    assert.match(await failure(mainType), /"main" must be a non-empty string/);
    const dir = await files('entries', { 'a.txt': '', 'sub/x.mjs': '' });
    assert.match(await failure(dir, 'missing.mjs'), /processor_entry "missing\.mjs" is not a file in the folder/);
    assert.match(await failure(dir, 'a.txt'), /processor_entry "a\.txt" is not a \.js, \.mjs or \.cjs file/);
    assert.match(await failure(dir, '../all/entry.mjs'), /processor_entry "\.\.\/all\/entry\.mjs" points outside the folder/);
    assert.equal(await resolveProcessorModule(dir, 'sub/x.mjs'), join(dir, 'sub/x.mjs'));
  });
});
