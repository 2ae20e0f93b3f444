// Writes schema/service.schema.json and docs/reference/service-spec.md from the one spec
// definition in src/contract/spec.ts. `--check` fails when either file is stale (CI runs it).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ServiceSpecSchema } from '../src/contract/spec.js';
import { PACKAGE_ROOT } from '../src/shared/paths.js';

type JsonSchema = {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: JsonSchema | boolean;
};

const HEADER = 'Generated from src/contract/spec.ts by `npm run schema`; do not edit.';

export function jsonSchema(): string {
  const schema = z.toJSONSchema(ServiceSpecSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const out = {
    $schema: schema.$schema,
    $id: 'https://easel.dev/schema/service.schema.json',
    $comment: HEADER,
    title: 'easel service spec',
    ...schema,
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

function typeOf(s: JsonSchema): string {
  if (s.enum !== undefined) return s.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (s.anyOf !== undefined) return s.anyOf.map(typeOf).join(' or ');
  if (s.type === 'array') return `array of ${s.items === undefined ? 'any' : typeOf(s.items)}`;
  if (s.type === 'object' && s.properties === undefined) return 'object';
  return Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'any');
}

function limits(s: JsonSchema): string {
  const parts: string[] = [];
  if (s.minimum !== undefined) parts.push(`≥ ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) parts.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined) parts.push(`≤ ${s.maximum}`);
  if (s.minLength !== undefined && s.minLength > 0) parts.push(`min length ${s.minLength}`);
  if (s.maxLength !== undefined) parts.push(`max length ${s.maxLength}`);
  if (s.minItems !== undefined && s.minItems > 0) parts.push(`min ${s.minItems} items`);
  if (s.maxItems !== undefined) parts.push(`max ${s.maxItems} items`);
  if (s.pattern !== undefined) parts.push(`pattern \`${s.pattern}\``);
  return parts.join(', ');
}

function rows(s: JsonSchema, path: string, out: string[]): void {
  const item = s.type === 'array' && s.items?.properties !== undefined ? s.items : undefined;
  const obj = s.properties !== undefined ? s : item;
  if (path !== '') {
    const desc = (s.description ?? item?.description ?? '').replace(/\|/g, '\\|');
    out.push(`| \`${path}\` | ${typeOf(s)} | ${limits(s)} | ${desc} |`);
  }
  if (obj?.properties === undefined) return;
  for (const [key, child] of Object.entries(obj.properties)) rows(child, path === '' ? key : `${path}${item === undefined ? '.' : '[].'}${key}`, out);
}

export function markdown(): string {
  const schema = z.toJSONSchema(ServiceSpecSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const table: string[] = [];
  rows(schema, '', table);
  return [
    `<!-- ${HEADER} -->`,
    '# Service spec reference',
    '',
    'A service is described by one JSON document, compatible with Alibaba PAI-EAS service specs.',
    'Unknown fields are rejected by name; every problem is reported at once with its path.',
    'The same definition is published as a JSON Schema for editors: `schema/service.schema.json`.',
    '',
    'Exactly one of `processor` (a built-in), `processor_path` (custom JavaScript) or `containers`',
    '(any program serving HTTP on `$PORT`) says what the service runs. Local paths must be absolute',
    'when sent to the API; `easel create` resolves relative ones against the spec file\'s folder.',
    '',
    'The schema covers every field of the EAS spec easel knows. Features that are still to come are',
    'refused with a message that says so rather than ignored: `metadata.type` (asynchronous',
    'services), `metadata.group`, `metadata.resource`, `metadata.resource_burstable`, `metadata.gpu`',
    'above 0, `metadata.rpc.batching`, `autoscaler`, `cloud`, http(s) `model_path`, and the built-in',
    'processors `xgboost`, `lightgbm`, `pmml` and `onnx` (today `echo` is built in).',
    '',
    '| field | type | limits | meaning |',
    '|---|---|---|---|',
    ...table,
    '',
  ].join('\n');
}

function main(): void {
  const check = process.argv.includes('--check');
  const targets: [string, string][] = [
    [join(PACKAGE_ROOT, 'schema', 'service.schema.json'), jsonSchema()],
    [join(PACKAGE_ROOT, 'docs', 'reference', 'service-spec.md'), markdown()],
  ];
  let stale = 0;
  for (const [file, content] of targets) {
    let existing = '';
    try {
      existing = readFileSync(file, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (existing === content) continue;
    if (check) {
      process.stderr.write(`${file} is stale: run \`npm run schema\` and commit the result\n`);
      stale++;
    } else {
      writeFileSync(file, content);
      process.stdout.write(`wrote ${file}\n`);
    }
  }
  if (stale > 0) process.exit(1);
}

main();
