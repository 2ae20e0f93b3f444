import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TARGET_HEALTHZ, TARGET_OTHER, TARGET_PREDICT, TARGET_READYZ, TARGET_RESERVED, TargetMatch, matchTarget, normalizePath } from './predict-path.js';

function match(target: string): TargetMatch {
  const buf = Buffer.from(target, 'latin1');
  const out = new TargetMatch();
  matchTarget(buf, 0, buf.length, out);
  return out;
}

function tail(target: string): string {
  return target.slice(match(target).tailStart);
}

void describe('matchTarget', () => {
  void it('finds /healthz with or without a query', () => {
    assert.equal(match('/healthz').kind, TARGET_HEALTHZ);
    assert.equal(match('/healthz?full=1').kind, TARGET_HEALTHZ);
    assert.equal(match('/healthzz').kind, TARGET_OTHER);
    assert.equal(match('/healthz/x').kind, TARGET_OTHER);
  });

  void it('forwards Open Inference Protocol paths whole, and answers its health paths itself', () => {
    const m = match('/v2/models/mlp/infer');
    assert.equal(m.kind, TARGET_PREDICT);
    assert.equal(m.service, 'mlp');
    assert.equal(tail('/v2/models/mlp/infer'), '/v2/models/mlp/infer');
    assert.equal(tail('/v2/models/mlp?x=1'), '/v2/models/mlp?x=1');
    assert.equal(match('/v2/models/mlp/ready').kind, TARGET_PREDICT);
    assert.equal(match('/v2/models/Mlp').kind, TARGET_OTHER);
    assert.equal(match('/v2/models/mlp/../../../__easel/ready').kind, TARGET_RESERVED);
    assert.equal(match('/v2/health/live').kind, TARGET_HEALTHZ);
    assert.equal(match('/v2/health/ready').kind, TARGET_READYZ);
    assert.equal(match('/v2/health/readyx').kind, TARGET_OTHER);
  });

  void it('extracts the service and where the forwarded target begins', () => {
    const m = match('/api/predict/my_svc2/a/b?x=1');
    assert.equal(m.kind, TARGET_PREDICT);
    assert.equal(m.service, 'my_svc2');
    assert.equal(tail('/api/predict/my_svc2/a/b?x=1'), '/a/b?x=1');
    assert.equal(tail('/api/predict/svc'), '');
    assert.equal(tail('/api/predict/svc?q=1'), '?q=1');
    assert.equal(tail('/api/predict/svc/'), '/');
  });

  void it('takes only valid service names', () => {
    for (const t of ['/api/predict/', '/api/predict', '/api/predict/Svc', '/api/predict/1svc', '/api/predict/_s', '/api/predict/a-b', '/api/predict/g.s', `/api/predict/${'a'.repeat(64)}`, '/API/predict/svc', '/apix/predict/svc']) {
      assert.equal(match(t).kind, TARGET_OTHER, t);
    }
    assert.equal(match(`/api/predict/${'a'.repeat(63)}`).kind, TARGET_PREDICT);
  });

  void it('keeps the instance host’s reserved paths out of reach, however they are spelled', () => {
    for (const t of [
      '/api/predict/svc/__easel/ready',
      '/api/predict/svc/__easel',
      '/api/predict/svc/__easel/',
      '/api/predict/svc/__EASEL/stats',
      '/api/predict/svc/%5F_easel/ready',
      '/api/predict/svc/%5f%5feasel/ready',
      '/api/predict/svc//__easel/ready',
      '/api/predict/svc/x/../__easel/ready',
      '/api/predict/svc/./__easel/live?x=1',
      '/api/predict/svc/%2e%2e/__easel/ready',
    ]) {
      assert.equal(match(t).kind, TARGET_RESERVED, t);
    }
    for (const t of ['/api/predict/svc/__easely', '/api/predict/svc/a/__easel/ready', '/api/predict/svc?/__easel/ready', '/api/predict/svc/x/__easel']) {
      assert.equal(match(t).kind, TARGET_PREDICT, t);
    }
  });
});

void describe('normalizePath', () => {
  void it('decodes, folds slashes, resolves dot segments and lowercases', () => {
    assert.equal(normalizePath('/A//b/./c/../D'), '/a/b/d');
    assert.equal(normalizePath('/%41/'), '/a/');
    assert.equal(normalizePath('/../../x'), '/x');
    assert.equal(normalizePath('/%zz/y'), '/%zz/y');
  });
});
