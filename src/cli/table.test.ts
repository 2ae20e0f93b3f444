import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderFields, renderTable, wrapWidth } from './table.js';

void test('columns line up under their headings, with no borders and no trailing blanks', () => {
  const text = renderTable(
    ['NAME', 'STATUS', 'PATH'],
    [
      ['echo', 'Running', '/api/predict/echo'],
      ['a_longer_name', 'Failed', '/api/predict/a_longer_name'],
    ],
  );
  assert.equal(
    text,
    ['NAME            STATUS    PATH', 'echo            Running   /api/predict/echo', 'a_longer_name   Failed    /api/predict/a_longer_name'].join('\n'),
  );
});

void test('colour codes do not shift the columns', () => {
  const plain = renderTable(['A', 'B'], [['Running', 'x']]);
  const coloured = renderTable(['A', 'B'], [['\x1b[32mRunning\x1b[39m', 'x']]);
  // eslint-disable-next-line no-control-regex
  assert.equal(coloured.replace(/\x1b\[[0-9;]*m/g, ''), plain);
});

void test('the wrap column wraps to the width left and keeps continuation lines in their column', () => {
  const message = 'instance echo-v1-abc exited with code 3 (3 times in a row); last output:\nTraceback (most recent call last):\nValueError: bad model';
  const text = renderTable(['TIME', 'REASON', 'MESSAGE'], [['10:00:00', 'ServiceFailed', message]], { width: 70, wrapColumn: 2 });
  const lines = text.split('\n');
  const column = lines[0]?.indexOf('MESSAGE') ?? -1;
  assert.ok(column > 0);
  assert.ok(lines.length > 4, text);
  for (const line of lines) assert.ok(line.length <= 70, `too wide: ${JSON.stringify(line)}`);
  for (const line of lines.slice(2)) assert.equal(line.slice(0, column).trim(), '', `continuation outside its column: ${JSON.stringify(line)}`);
  assert.ok(text.includes('ValueError: bad model'));
});

void test('the wrap column never gets narrower than 30 characters', () => {
  assert.equal(wrapWidth(['A', 'B'], [['x'.repeat(100), 'y']], 1, 80), 30);
  assert.equal(wrapWidth(['A', 'B'], [['xx', 'y']], 1, 80), 80 - (2 + 3) - 1);
});

void test('fields align their values and indent continuation lines', () => {
  assert.equal(renderFields([['Name', 'echo'], ['Reason', 'first\nsecond'], ['Empty', '']]), ['Name    echo', 'Reason  first', '        second', 'Empty'].join('\n'));
});
