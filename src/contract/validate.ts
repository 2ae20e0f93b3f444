// Validation of service specs: every problem at once, each with its JSON path.
import type { z } from 'zod';
import { closestName } from './closest-name.js';
import { PROCESSORS_NEEDING_MODEL } from './defaults.js';
import { isRecord } from './json.js';
import { ServiceSpecSchema, type ServiceSpec } from './spec.js';

export interface Problem {
  /** JSON path of the offending value, e.g. `metadata.rpc.max_batch_size` or `containers[0].port`. */
  path: string;
  message: string;
}

export type Validation = { ok: true; spec: ServiceSpec } | { ok: false; problems: Problem[] };

export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out === '' ? '(root)' : out;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `integer ${v}` : `number ${v}`;
  if (typeof v === 'object') return 'an object';
  return typeof v === "boolean" ? `boolean ${v}` : typeof v;
}

const EXPECTED_NAMES: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  record: 'an object',
};

/** Turns zod's default messages into ones that say what was expected and what came. */
const errorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED_NAMES[issue.expected] ?? issue.expected;
      return issue.input === undefined ? `is required (${expected})` : `expected ${expected}, got ${describeValue(issue.input)}`;
    }
    case 'too_small': {
      const min = String(issue.minimum);
      if (issue.origin === 'string') return `must be at least ${min} characters`;
      if (issue.origin === 'array') return `must hold at least ${min} items`;
      return issue.inclusive === false ? `must be > ${min}` : `must be ≥ ${min}`;
    }
    case 'too_big': {
      const max = String(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${max} characters`;
      if (issue.origin === 'array') return `must hold at most ${max} items`;
      return issue.inclusive === false ? `must be < ${max}` : `must be ≤ ${max}`;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(issue.input)}`;
    case 'invalid_union':
      return `has the wrong form (${describeValue(issue.input)})`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    default:
      return undefined;
  }
};

/** Field names an object schema accepts at a path, for "did you mean" hints. */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let schema: z.core.$ZodType = ServiceSpecSchema;
  for (const seg of path) {
    schema = unwrap(schema);
    const def = schema._zod.def;
    if (def.type === 'object' && typeof seg === 'string') {
      const next = (def as z.core.$ZodObjectDef).shape[seg];
      if (next === undefined) return [];
      schema = next;
    } else if (def.type === 'array' && typeof seg === 'number') {
      schema = (def as z.core.$ZodArrayDef).element;
    } else {
      return [];
    }
  }
  schema = unwrap(schema);
  const def = schema._zod.def;
  return def.type === 'object' ? Object.keys((def as z.core.$ZodObjectDef).shape) : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let s = schema;
  while (s._zod.def.type === 'optional' || s._zod.def.type === 'nullable' || s._zod.def.type === 'default') {
    s = (s._zod.def as z.core.$ZodOptionalDef).innerType;
  }
  return s;
}

function unknownFieldMessage(key: string, known: string[]): string {
  const close = closestName(key, known);
  return close === undefined ? `unknown field "${key}"` : `unknown field "${key}" (did you mean "${close}"?)`;
}

function zodProblems(error: z.ZodError): Problem[] {
  const out: Problem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(issue.path);
      for (const key of issue.keys) out.push({ path: formatPath([...issue.path, key]), message: unknownFieldMessage(key, known) });
    } else {
      out.push({ path: formatPath(issue.path), message: issue.message });
    }
  }
  return out;
}


/**
 * Rules that span fields. They read the raw input defensively so that they report even when
 * field-level validation failed elsewhere: the user sees every problem in one answer.
 */
export function crossFieldProblems(input: unknown): Problem[] {
  if (!isRecord(input)) return [];
  const out: Problem[] = [];
  const meta = isRecord(input.metadata) ? input.metadata : {};

  const topName = input.name;
  const metaName = meta.name;
  if (topName === undefined && metaName === undefined) {
    out.push({ path: 'name', message: 'is required (set "name" or "metadata.name")' });
  } else if (typeof topName === 'string' && typeof metaName === 'string' && topName !== metaName) {
    out.push({ path: 'metadata.name', message: `differs from name ("${metaName}" vs "${topName}")` });
  }

  const kinds = (['processor', 'processor_path', 'containers'] as const).filter((k) => input[k] !== undefined);
  if (kinds.length === 0) {
    out.push({ path: 'processor', message: 'is required: set processor (a built-in), processor_path (custom code) or containers' });
  } else if (kinds.length > 1) {
    out.push({ path: kinds[1] ?? 'processor', message: `cannot be combined with ${kinds[0] ?? ''}: a service runs one processor, custom processor or container` });
  }

  if (typeof input.processor === 'string' && (PROCESSORS_NEEDING_MODEL as readonly string[]).includes(input.processor) && input.model_path === undefined) {
    out.push({ path: 'model_path', message: `is required by processor "${input.processor}"` });
  }
  if (input.processor_path === undefined) {
    if (input.processor_entry !== undefined) out.push({ path: 'processor_entry', message: 'needs processor_path' });
    if (input.processor_type !== undefined) out.push({ path: 'processor_type', message: 'needs processor_path' });
  }

  if (Array.isArray(input.containers)) {
    input.containers.forEach((c: unknown, i) => {
      if (!isRecord(c)) return;
      const hasScript = c.script !== undefined;
      const hasCommand = c.command !== undefined;
      if (c.image !== undefined) {
        out.push({ path: `containers[${i}].image`, message: 'images need a container engine, which the local runtime does not use: give script or command instead' });
      }
      if (!hasScript && !hasCommand) out.push({ path: `containers[${i}]`, message: 'needs script or command' });
      if (hasScript && hasCommand) out.push({ path: `containers[${i}].command`, message: 'cannot be combined with script' });
      const instances = meta.instance;
      if (typeof c.port === 'number' && typeof instances === 'number' && instances > 1) {
        out.push({
          path: `containers[${i}].port`,
          message: `a fixed port lets only one instance run on this host, but metadata.instance is ${instances}: omit port and listen on $PORT`,
        });
      }
      const surge = isRecord(meta.rolling_strategy) ? meta.rolling_strategy.max_surge : undefined;
      if (typeof c.port === 'number' && surge !== undefined && !isZero(surge)) {
        out.push({
          path: 'metadata.rolling_strategy.max_surge',
          message: `must be 0 with a fixed port (containers[${i}].port): old and new instances cannot share it; omit port and listen on $PORT to surge`,
        });
      }
    });
  }

  const rolling = isRecord(meta.rolling_strategy) ? meta.rolling_strategy : undefined;
  if (rolling && isZero(rolling.max_surge) && isZero(rolling.max_unavailable)) {
    out.push({ path: 'metadata.rolling_strategy', message: 'max_surge and max_unavailable cannot both be 0: the update could never make progress' });
  }

  const auto = isRecord(input.autoscaler) ? input.autoscaler : undefined;
  if (auto && typeof auto.min === 'number' && typeof auto.max === 'number' && auto.min > auto.max) {
    out.push({ path: 'autoscaler.min', message: `must be ≤ autoscaler.max (${auto.max})` });
  }

  const hc = isRecord(input.health_check) ? input.health_check : undefined;
  if (hc?.type === 'tcp' && hc.path !== undefined) out.push({ path: 'health_check.path', message: 'applies only to type "http"' });

  const policy = isRecord(input.networking) && isRecord(input.networking.gateway_policy) ? input.networking.gateway_policy : {};
  for (const key of ['rate_limit', 'concurrency_limit'] as const) {
    const p = policy[key];
    if (isRecord(p) && p.enable === true && p.limit === undefined) {
      out.push({ path: `networking.gateway_policy.${key}.limit`, message: 'is required when enable is true' });
    }
  }
  if (isRecord(input.networking) && input.networking.disable_auth === true && input.token !== undefined) {
    out.push({ path: 'token', message: 'cannot be set when networking.disable_auth is true' });
  }
  return out;
}

function isZero(v: unknown): boolean {
  return v === 0 || v === '0%';
}

/** Validates a whole spec; problems are sorted by path and never deduplicated away. */
export function validateSpec(input: unknown): Validation {
  if (!isRecord(input)) return { ok: false, problems: [{ path: '(root)', message: `expected a JSON object, got ${describeValue(input)}` }] };
  const parsed = ServiceSpecSchema.safeParse(input, { error: errorMap, reportInput: true });
  const problems = [...(parsed.success ? [] : zodProblems(parsed.error)), ...crossFieldProblems(input)];
  if (problems.length > 0 || !parsed.success) {
    const seen = new Set<string>();
    const unique = problems.filter((p) => {
      const key = `${p.path}\u0000${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return { ok: false, problems: unique.sort((a, b) => a.path.localeCompare(b.path)) };
  }
  return { ok: true, spec: parsed.data };
}

export { resolveSpec, serviceNameOf, type ResolvedHealthCheck, type ResolvedSpec, type ServiceKind } from './resolve.js';
