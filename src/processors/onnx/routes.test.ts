import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { routeOf } from './routes.js';

void describe('routeOf', () => {
  void it('maps easel and V2 endpoints', () => {
    assert.equal(routeOf('POST', '/'), 'infer');
    assert.equal(routeOf('GET', '/'), 'signature');
    assert.equal(routeOf('POST', '/v2/models/risk/infer'), 'infer');
    assert.equal(routeOf('POST', '/v2/models/risk/versions/3/infer'), 'infer');
    assert.equal(routeOf('GET', '/v2/models/risk'), 'model-metadata');
    assert.equal(routeOf('GET', '/v2/models/risk/ready'), 'model-ready');
    assert.equal(routeOf('GET', '/v2'), 'server-metadata');
    assert.equal(routeOf('GET', '/v2/health/live'), 'server-live');
    assert.equal(routeOf('GET', '/v2/health/ready'), 'server-ready');
  });

  void it('has no route for other paths and methods', () => {
    assert.equal(routeOf('GET', '/v2/models/risk/infer'), undefined);
    assert.equal(routeOf('PUT', '/'), undefined);
    assert.equal(routeOf('POST', '/predict'), undefined);
    assert.equal(routeOf('GET', '/v2/models//ready'), undefined);
  });
});
