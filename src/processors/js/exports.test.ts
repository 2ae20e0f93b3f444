import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pickProcessorMethods } from './exports.js';

const process = (): unknown => ({ body: '' });

function reasonOf(namespace: unknown): string {
  const r = pickProcessorMethods(namespace);
  assert.equal(typeof r, 'string');
  return r as string;
}

void describe('pickProcessorMethods', () => {
  void it('takes named exports first', () => {
    const ns = { process, initialize: () => undefined, default: { process: () => 'default' } };
    const m = pickProcessorMethods(ns);
    assert.ok(typeof m === 'object');
    assert.equal(m.self, ns);
    assert.equal(m.process, process);
    assert.equal(typeof m.initialize, 'function');
    assert.equal(m.close, undefined);
  });

  void it('falls back to the default export (CommonJS module.exports, a class instance)', () => {
    class P {
      process(): unknown {
        return { body: '' };
      }
      close(): void {}
    }
    const instance = new P();
    const m = pickProcessorMethods({ default: instance });
    assert.ok(typeof m === 'object');
    assert.equal(m.self, instance);
    assert.equal(typeof m.close, 'function');
  });

  void it('explains what is missing or wrong', () => {
    assert.match(reasonOf({}), /must export a process\(body, ctx\) function.*found no process export/);
    assert.match(reasonOf({ process: 5 }), /found process is number/);
    assert.match(reasonOf({ default: 'x' }), /no process export/);
    assert.equal(pickProcessorMethods({ process, initialize: 'x' }), 'initialize must be a function, got string');
    assert.equal(pickProcessorMethods({ default: { process, close: null } }), 'close must be a function, got null');
    assert.equal(pickProcessorMethods(null), 'the module evaluated to null');
  });
});
