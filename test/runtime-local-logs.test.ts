// The local runtime's logs: rotation by size, tail, follow.
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Runtime } from '../src/runtime/index.js';
import { collect, containerSpec, launchRequest, nodeFixture, RuntimeHarness, until, waitForPhase } from './runtime-local-harness.js';

let h: RuntimeHarness;
let rt: Runtime;
const MAX_BYTES = 4096;

before(async () => {
  h = await RuntimeHarness.create();
  rt = h.runtime({ logMaxBytes: MAX_BYTES, logKeepFiles: 2, sampleIntervalMs: 100 });
});
after(() => h.cleanup());

const numberOf = (line: string): number => Number(/^line (\d+) /.exec(line)?.[1]);

function assertIncreasing(lines: string[]): void {
  const numbers = lines.map(numberOf);
  assert.ok(numbers.every(Number.isInteger), `unexpected lines: ${lines.filter((l) => !Number.isInteger(numberOf(l))).join(' | ')}`);
  for (let i = 1; i < numbers.length; i++) assert.ok((numbers[i] ?? 0) > (numbers[i - 1] ?? 0), `line ${numbers[i]} after ${numbers[i - 1]}`);
}

void test('output.log rotates past logMaxBytes, keeping logKeepFiles files, and reads back in order', async () => {
  const req = launchRequest(containerSpec('rotate', { command: nodeFixture('printer.mjs'), env: [{ name: 'LINES_PER_TICK', value: '10' }, { name: 'LINE_BYTES', value: '100' }] }));
  await rt.launch(req);
  const folder = join(h.dir, 'instances', req.instance);
  // Two rotations at least, then one more so that the oldest has been dropped.
  await until('a second rotated file', async () => ((await readdir(folder)).includes('output.log.2') ? true : undefined));
  const before2 = (await stat(join(folder, 'output.log.2'))).mtimeMs;
  await until('another rotation', async () => ((await stat(join(folder, 'output.log.2'))).mtimeMs > before2 ? true : undefined));
  await rt.stop(req.instance, 2000);

  const files = (await readdir(folder)).filter((n) => n.startsWith('output.log')).sort();
  assert.deepEqual(files, ['output.log', 'output.log.1', 'output.log.2']);
  for (const f of ['output.log.1', 'output.log.2']) assert.ok((await stat(join(folder, f))).size > MAX_BYTES, `${f} holds what outgrew the limit`);
  const lines = (await collect(rt.logs(req.instance, {}))).filter((l) => !l.startsWith('--- easel'));
  assert.ok(lines.length > 80);
  assertIncreasing(lines);
  assert.ok(numberOf(lines[0] ?? '') > 1, 'the oldest lines were dropped with the oldest file');
});

void test('logs: all lines, the last N, across a finished process', async () => {
  const req = launchRequest(containerSpec('tail', { command: nodeFixture('crash.mjs') }));
  await rt.launch(req);
  await waitForPhase(rt, req.instance, 'exited');
  assert.deepEqual(await collect(rt.logs(req.instance, {})), ['crash line 1', 'crash line 2', 'crash line 3', 'crash line 4', 'crash line 5']);
  assert.deepEqual(await collect(rt.logs(req.instance, { tail: 2 })), ['crash line 4', 'crash line 5']);
  assert.deepEqual(await collect(rt.logs(req.instance, { tail: 0 })), []);
  assert.throws(() => rt.logs('not-an-instance', { tail: 1 }), /unknown instance "not-an-instance"/);
});

void test('logs follow: new lines as they come, through rotations, until aborted', async () => {
  const req = launchRequest(containerSpec('follow', { command: nodeFixture('printer.mjs'), env: [{ name: 'LINE_BYTES', value: '400' }, { name: 'TICK_MS', value: '20' }] }));
  await rt.launch(req);
  await until('some output', async () => ((await collect(rt.logs(req.instance, { tail: 1 }))).length > 0 ? true : undefined));
  const abort = new AbortController();
  const seen: string[] = [];
  let stopAt = Infinity;
  const folder = join(h.dir, 'instances', req.instance);
  const following = (async () => {
    for await (const line of rt.logs(req.instance, { tail: 1, follow: true, signal: abort.signal })) {
      seen.push(line);
      if (seen.length >= stopAt) abort.abort();
    }
  })();
  try {
    // 400-byte lines at 50 a second outgrow 4 KiB within a second: follow across a rotation.
    await until('a rotation while following', async () => ((await readdir(folder)).includes('output.log.1') ? true : undefined));
    stopAt = seen.length + 20;
    await until('20 more followed lines', () => (abort.signal.aborted ? true : undefined));
  } finally {
    abort.abort();
    await following;
  }
  assert.ok(seen.length >= 20);
  assertIncreasing(seen);
  await rt.stop(req.instance, 2000);
});

void test('a follower ends when the runtime closes', async () => {
  const closing = h.runtime();
  const req = launchRequest(containerSpec('closing', { command: nodeFixture('printer.mjs'), env: [{ name: 'TICK_MS', value: '100' }] }));
  await closing.launch(req);
  let count = 0;
  const following = (async () => {
    for await (const _line of closing.logs(req.instance, { follow: true })) count += 1;
  })();
  await until('a followed line', () => (count > 0 ? true : undefined));
  await closing.close({ stopInstances: true });
  await following;
});
