import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Admission, type QueueLinks } from './admission.js';

class Item implements QueueLinks<Item> {
  prev: Item | undefined;
  next: Item | undefined;
  inQueue = false;
  constructor(readonly name: string) {}
}

function drain(a: Admission<Item>): string[] {
  const out: string[] = [];
  for (let it = a.next(); it !== undefined; it = a.next()) out.push(it.name);
  return out;
}

void describe('Admission', () => {
  void it('runs up to `slots`, queues up to `maxQueue`, then reports full', () => {
    const a = new Admission<Item>(2, 2);
    const items = ['a', 'b', 'c', 'd', 'e'].map((n) => new Item(n));
    assert.deepEqual(items.map((i) => a.admit(i)), ['run', 'run', 'queued', 'queued', 'full']);
    assert.equal(a.running, 2);
    assert.equal(a.queued, 2);
    assert.equal(a.full, true);
    assert.equal(items[4]?.inQueue, false);
  });

  void it('hands out waiting items in arrival order as slots free up', () => {
    const a = new Admission<Item>(1, 10);
    for (const n of ['a', 'b', 'c', 'd']) a.admit(new Item(n));
    assert.deepEqual(drain(a), [], 'no free slot');
    a.release();
    assert.deepEqual(drain(a), ['b']);
    a.release();
    a.release();
    assert.equal(a.running, 0);
    assert.deepEqual(drain(a), ['c']);
    assert.equal(a.running, 1);
  });

  void it('queues a newcomer behind waiting items even when a slot is free', () => {
    const a = new Admission<Item>(1, 10);
    a.admit(new Item('a'));
    a.admit(new Item('b'));
    a.release();
    assert.equal(a.admit(new Item('c')), 'queued');
    assert.deepEqual(drain(a), ['b']);
  });

  void it('withdraws from the head, middle and tail', () => {
    const a = new Admission<Item>(1, 10);
    a.admit(new Item('running'));
    const items = ['a', 'b', 'c', 'd', 'e'].map((n) => new Item(n));
    for (const i of items) a.admit(i);
    const [ia, , ic, , ie] = items;
    for (const i of [ic, ia, ie]) if (i) a.withdraw(i);
    if (ic) a.withdraw(ic);
    assert.equal(a.queued, 2);
    const order: string[] = [];
    for (let n = 0; n < 2; n++) {
      a.release();
      order.push(...drain(a));
    }
    assert.deepEqual(order, ['b', 'd']);
    assert.equal(a.queued, 0);
  });

  void it('never lets running go below zero', () => {
    const a = new Admission<Item>(1, 1);
    a.release();
    assert.equal(a.running, 0);
    assert.equal(a.admit(new Item('a')), 'run');
  });
});
