import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWatchMessage } from './table-check.js';

const good = {
  type: 'table',
  table: {
    revision: 4,
    services: [{ service: 'svc', state: 'running', token: null, keepaliveMs: 5000, rateLimit: null, concurrencyLimit: 2, instances: [{ name: 'svc-1', host: '127.0.0.1', port: 9000, version: 1 }] }],
  },
};

void describe('parseWatchMessage', () => {
  void it('accepts a well-formed table', () => {
    const r = parseWatchMessage(JSON.stringify(good));
    assert.equal(r.ok, true);
    if (r.ok) assert.deepEqual(r.value, good.table);
  });

  void it('refuses malformed messages with the offending path', () => {
    const mutate = (f: (m: typeof good) => void): string => {
      const m = structuredClone(good);
      f(m);
      return JSON.stringify(m);
    };
    const cases: [string, RegExp][] = [
      ['not json', /not JSON/],
      [JSON.stringify({ type: 'other' }), /expected \{"type":"table"/],
      [mutate((m) => Object.assign(m.table, { revision: -1 })), /table\.revision/],
      [mutate((m) => Object.assign(m.table, { services: {} })), /table\.services/],
      [mutate((m) => Object.assign(m.table.services[0]!, { service: 'Bad-Name' })), /services\[0\]\.service/],
      [mutate((m) => Object.assign(m.table.services[0]!, { state: 'paused' })), /services\[0\]\.state/],
      [mutate((m) => Object.assign(m.table.services[0]!, { token: 5 })), /services\[0\]\.token/],
      [mutate((m) => Object.assign(m.table.services[0]!, { keepaliveMs: 0 })), /keepaliveMs/],
      [mutate((m) => Object.assign(m.table.services[0]!, { rateLimit: -1 })), /rateLimit/],
      [mutate((m) => Object.assign(m.table.services[0]!.instances[0]!, { port: 70000 })), /instances\[0\]\.port/],
      [mutate((m) => Object.assign(m.table.services[0]!.instances[0]!, { host: '' })), /instances\[0\]\.host/],
    ];
    for (const [text, reason] of cases) {
      const r = parseWatchMessage(text);
      assert.equal(r.ok, false, text);
      if (!r.ok) assert.match(r.reason, reason);
    }
  });
});
