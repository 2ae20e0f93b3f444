// Reading instance.json (written by the runtime) with messages that name what is wrong.
import { readFile } from 'node:fs/promises';
import type { InstanceConfig } from '../contract/instance.js';
import { isRecord } from '../contract/json.js';
import type { ServiceSpec } from '../contract/spec.js';

export class InstanceConfigError extends Error {
  constructor(path: string, reason: string) {
    super(`invalid instance config ${path}: ${reason}`);
    this.name = 'InstanceConfigError';
  }
}


/** The config, or every problem with its own fields and with its spec, as "field: message". */
export function parseInstanceConfig(raw: unknown): { ok: true; config: InstanceConfig } | { ok: false; problems: string[] } {
  if (!isRecord(raw)) return { ok: false, problems: ['expected a JSON object'] };
  const problems: string[] = [];
  for (const key of ['service', 'instance', 'host', 'dir'] as const) {
    if (typeof raw[key] !== 'string' || raw[key] === '') problems.push(`${key}: must be a non-empty string`);
  }
  if (!Number.isInteger(raw.version)) problems.push('version: must be an integer');
  const port = raw.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) problems.push('port: must be an integer from 0 to 65535');
  // The runtime writes specs the control plane validated; the full schema check is left to
  // it, because loading the schema library would cost every instance start tens of ms.
  const spec = raw.spec;
  if (!isRecord(spec)) problems.push('spec: expected a JSON object');
  else if (typeof spec.name !== 'string' && !(isRecord(spec.metadata) && typeof spec.metadata.name === 'string')) problems.push('spec.name: is required');
  if (problems.length > 0) return { ok: false, problems };
  const c = raw as Omit<InstanceConfig, 'spec'>;
  const modelsDir = typeof c.modelsDir === 'string' ? { modelsDir: c.modelsDir } : {};
  return { ok: true, config: { service: c.service, instance: c.instance, version: c.version, host: c.host, port: c.port, dir: c.dir, ...modelsDir, spec: spec as ServiceSpec } };
}

export async function readInstanceConfig(path: string): Promise<InstanceConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InstanceConfigError(path, e instanceof Error ? e.message : String(e));
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InstanceConfigError(path, `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const parsed = parseInstanceConfig(raw);
  if (!parsed.ok) throw new InstanceConfigError(path, parsed.problems.join('; '));
  return parsed.config;
}
