#!/usr/bin/env node
// Runs node's built-in test runner over the compiled unit tests (dist/src/**/*.test.js)
// and integration tests (dist/test/**/*.test.js). Arguments filter test files by substring:
//   npm test -- gateway reconcile
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('--'));

function walk(dir, out) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const files = [...walk(join(root, 'dist/src'), []), ...walk(join(root, 'dist/test'), [])]
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();

if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}; did the build run?`);
  process.exit(1);
}

// Integration tests spend most of their time waiting on child processes, so run a few files
// at once even on two cores; each test uses its own ports and temporary home.
const concurrency = process.env.EASEL_TEST_CONCURRENCY ?? '3';
const child = spawn(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, '--test-timeout=300000', ...passThrough, ...files],
  { stdio: 'inherit', cwd: root },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
