import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { takeForTransfer, transferableCopy } from './transfer.js';

void describe('takeForTransfer', () => {
  void it('copies a small pooled Buffer, so transferring it leaves the pool intact', () => {
    const neighbour = Buffer.from('neighbour');
    const body = Buffer.from('body');
    const ab = takeForTransfer(body);
    assert.notEqual(ab, body.buffer);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(ab, [ab]);
    port1.close();
    port2.close();
    assert.equal(ab.byteLength, 0, 'detached');
    assert.equal(neighbour.toString(), 'neighbour');
    assert.equal(body.toString(), 'body');
  });

  void it('moves a Buffer that owns its whole ArrayBuffer without copying', () => {
    const body = Buffer.allocUnsafeSlow(16).fill(1);
    assert.equal(takeForTransfer(body), body.buffer);
  });

  void it('copies a view into a larger buffer', () => {
    const big = Buffer.allocUnsafeSlow(16).fill(2);
    const view = big.subarray(4, 8);
    const ab = takeForTransfer(view);
    assert.equal(ab.byteLength, 4);
    assert.deepEqual([...new Uint8Array(ab)], [2, 2, 2, 2]);
  });
});

void describe('transferableCopy', () => {
  void it('encodes strings as UTF-8 and copies bytes into an exact-size buffer', () => {
    assert.equal(Buffer.from(transferableCopy('héllo')).toString(), 'héllo');
    assert.equal(transferableCopy('héllo').byteLength, 6);
    const src = new Uint8Array([1, 2, 3]);
    const ab = transferableCopy(src);
    assert.deepEqual([...new Uint8Array(ab)], [1, 2, 3]);
    assert.notEqual(ab, src.buffer);
    assert.equal(transferableCopy('').byteLength, 0);
  });
});
