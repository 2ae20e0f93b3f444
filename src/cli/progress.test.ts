import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createReporter, LineReporter } from './progress.js';

function sink(opts: { isTTY?: boolean; columns?: number } = {}): { chunks: string[]; write(c: string | Uint8Array): boolean; isTTY?: boolean; columns?: number } {
  const chunks: string[] = [];
  return { chunks, write: (c) => chunks.push(String(c)) > 0, ...opts };
}

void test('off a terminal, progress is one line per change', () => {
  const out = sink();
  const reporter = new LineReporter(out);
  reporter.update('Creating: starting instance a (0/1 ready)');
  reporter.update('Creating: starting instance a (0/1 ready)');
  reporter.update('Creating: waiting for instance a to become ready (0/1 ready)');
  reporter.update('Creating: waiting for instance a to become ready (0/1 ready)');
  reporter.succeed('service "a" is running (1/1 instance ready)');
  reporter.stop();
  assert.deepEqual(out.chunks, [
    'Creating: starting instance a (0/1 ready)\n',
    'Creating: waiting for instance a to become ready (0/1 ready)\n',
    'service "a" is running (1/1 instance ready)\n',
  ]);
});

void test('a terminal without a width gets lines, not a spinner it cannot redraw', async () => {
  const out = sink({ isTTY: true, columns: 0 });
  const reporter = await createReporter(out, 'creating service "a"');
  reporter.update('Creating: x');
  reporter.stop();
  assert.deepEqual(out.chunks, ['creating service "a"\n', 'Creating: x\n']);
});
