import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { InstanceLog } from './instance-log.js';
import { LineSplitter } from './line-splitter.js';
import { streamLog } from './log-reader.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'easel-log-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of it) out.push(line);
  return out;
}

const numbered = (from: number, to: number): string => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}\n`).join('');
const known = (): boolean => true;

void test('LineSplitter joins lines across chunks, multibyte characters included', () => {
  const s = new LineSplitter();
  const euro = Buffer.from('€');
  assert.deepEqual(s.push(Buffer.concat([Buffer.from('a\r\nb'), euro.subarray(0, 1)])), ['a']);
  assert.deepEqual(s.push(Buffer.concat([euro.subarray(1), Buffer.from('\n\nc')])), ['b€', '']);
  assert.equal(s.flush(), 'c');
  assert.equal(s.flush(), null);
});

void test('rotation shifts .1 → .2, keeps logKeepFiles and truncates output.log', async () => {
  const path = join(dir, 'rotate.log');
  const log = new InstanceLog(path, 2);
  await writeFile(path, 'a\n');
  assert.equal(await log.rotateIfLarger(100), false);
  for (const content of ['first\n', 'second\n', 'third\n']) {
    await writeFile(path, content.repeat(20));
    assert.equal(await log.rotateIfLarger(100), true);
  }
  assert.equal(log.rotations, 3);
  assert.equal(await readFile(path, 'utf8'), '');
  assert.equal(await readFile(`${path}.1`, 'utf8'), 'third\n'.repeat(20));
  assert.equal(await readFile(`${path}.2`, 'utf8'), 'second\n'.repeat(20));
  assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith('rotate.log')).sort(), ['rotate.log', 'rotate.log.1', 'rotate.log.2']);
});

void test('reads span rotated files oldest first; tail counts back across them', async () => {
  const path = join(dir, 'span.log');
  const log = new InstanceLog(path, 3);
  await writeFile(path, numbered(1, 5));
  await log.rotateIfLarger(1);
  await writeFile(path, numbered(6, 8) + 'partial ');
  await log.rotateIfLarger(1);
  await writeFile(path, 'end\n' + numbered(9, 10));
  assert.deepEqual(await collect(streamLog(log, { isKnown: known })), [
    ...numbered(1, 8).trim().split('\n'),
    'partial end',
    'line 9',
    'line 10',
  ]);
  assert.deepEqual(await collect(streamLog(log, { tail: 3, isKnown: known })), ['partial end', 'line 9', 'line 10']);
  assert.deepEqual(await collect(streamLog(log, { tail: 0, isKnown: known })), []);
  assert.deepEqual(await collect(streamLog(log, { tail: 100, isKnown: known })), await collect(streamLog(log, { isKnown: known })));
  assert.deepEqual(await log.lastLines(2), ['line 9', 'line 10']);
});

void test('an unterminated last line counts as a line', async () => {
  const path = join(dir, 'unterminated.log');
  const log = new InstanceLog(path, 1);
  await writeFile(path, 'a\nb\nc');
  assert.deepEqual(await log.lastLines(2), ['b', 'c']);
  await log.note('instance restarted at x');
  assert.equal(await readFile(path, 'utf8'), 'a\nb\nc\n--- easel: instance restarted at x ---\n');
});

void test('a follower sees appended lines and carries on through a rotation', async () => {
  const path = join(dir, 'follow.log');
  const log = new InstanceLog(path, 2);
  await writeFile(path, numbered(1, 2));
  const abort = new AbortController();
  const lines: string[] = [];
  const following = (async () => {
    for await (const line of streamLog(log, { tail: 1, follow: true, signal: abort.signal, isKnown: known })) {
      lines.push(line);
      if (line === 'line 3') {
        // Written after the follower read line 3 and before the rotation copies it away.
        await appendFile(path, numbered(4, 5));
        await log.rotateIfLarger(1);
        await appendFile(path, numbered(6, 6));
      }
      if (line === 'line 6') abort.abort();
    }
  })();
  await appendFile(path, numbered(3, 3));
  const deadline = Date.now() + 10_000;
  while (!abort.signal.aborted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  abort.abort();
  await following;
  assert.deepEqual(lines, ['line 2', 'line 3', 'line 4', 'line 5', 'line 6']);
});

void test('a follower ends when the instance is forgotten', async () => {
  const path = join(dir, 'forgotten.log');
  const log = new InstanceLog(path, 1);
  await writeFile(path, 'only\n');
  let knownNow = true;
  const lines: string[] = [];
  const following = (async () => {
    for await (const line of streamLog(log, { follow: true, isKnown: () => knownNow })) lines.push(line);
  })();
  knownNow = false;
  await following;
  assert.deepEqual(lines, ['only']);
});
