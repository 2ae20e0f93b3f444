import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, CliError, catalogueHint, parseErrorBody, renderError, UsageError } from './errors.js';

void test('catalogue hints are rendered with what the CLI knows', () => {
  assert.equal(catalogueHint('EASEL_SERVICE_EXISTS', { service: 'echo' }), 'change it with `easel modify echo -s <file>` or delete it first');
  assert.equal(catalogueHint('EASEL_SERVICE_NOT_FOUND', {}), 'list services with `easel ls`');
});

void test('a hint that would show an unfilled placeholder is dropped', () => {
  assert.equal(catalogueHint('EASEL_SERVICE_EXISTS', {}), undefined);
});

void test('codes without a hint or unknown codes give none', () => {
  assert.equal(catalogueHint('EASEL_BAD_REQUEST', { service: 'x' }), undefined);
  assert.equal(catalogueHint('NOT_A_CODE', {}), undefined);
});

void test('a rejected spec lists every problem with its path', () => {
  const err = new ApiError(
    400,
    {
      code: 'EASEL_SPEC_INVALID',
      message: 'the service spec has 2 problem(s): metadata.instance: must be ≥ 0; processor: is required',
      details: { problems: [{ path: 'metadata.instance', message: 'must be ≥ 0' }, { path: 'processor', message: 'is required' }] },
    },
    { service: 'x' },
  );
  assert.deepEqual(renderError(err), [
    'error: the service spec has 2 problem(s):',
    '  metadata.instance: must be ≥ 0',
    '  processor: is required',
    'hint: fix each field listed; `schema/service.schema.json` describes every field',
  ]);
  assert.equal(err.exitCode, 1);
});

void test('a spec error without usable details keeps the server message', () => {
  const err = new ApiError(400, { code: 'EASEL_SPEC_INVALID', message: 'the service spec has 1 problem(s): name: cannot be changed', details: { problems: 'x' } });
  assert.equal(err.message, 'the service spec has 1 problem(s): name: cannot be changed');
  assert.deepEqual(err.details, []);
});

void test('error bodies are recognised only in the catalogue shape', () => {
  assert.deepEqual(parseErrorBody('{"code":"EASEL_X","message":"m"}'), { code: 'EASEL_X', message: 'm', details: undefined });
  assert.equal(parseErrorBody('{"error":"x"}'), undefined);
  assert.equal(parseErrorBody('<html>'), undefined);
  assert.equal(parseErrorBody('null'), undefined);
});

void test('usage errors exit 2, failures 1', () => {
  assert.equal(new UsageError('x').exitCode, 2);
  assert.equal(new CliError('x').exitCode, 1);
  assert.deepEqual(renderError(new CliError('m', { hint: 'h', details: ['  d'] })), ['error: m', '  d', 'hint: h']);
});
