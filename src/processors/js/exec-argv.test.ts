import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { workerExecArgv } from './exec-argv.js';

void describe('workerExecArgv', () => {
  void it('drops what describes the parent script and keeps the rest', () => {
    assert.deepEqual(workerExecArgv(['--input-type=module', '-e', 'import(x)', '--enable-source-maps']), ['--enable-source-maps']);
    assert.deepEqual(workerExecArgv(['--input-type', 'module', '--eval=1', '--print', '2', '-p', '3', '-i', '--max-old-space-size=100']), ['--max-old-space-size=100']);
    assert.deepEqual(workerExecArgv(['--import', 'tsx']), ['--import', 'tsx']);
    assert.deepEqual(workerExecArgv([]), []);
  });
});
