// Checks of a spec against this machine and this build, beyond its shape: that local files it
// names exist and that the features it asks for are available. Reported together with the
// shape problems, so a user sees every problem in one answer.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceSpec } from '../contract/spec.js';
import type { Problem } from '../contract/validate.js';
import { availableProcessors, isModelProcessor, modelConfigProblems } from '../processors/index.js';

/** The local path a model_path / processor_path names, or undefined for a remote URL. */
export function localPath(pathOrUrl: string): string | undefined {
  if (/^https?:\/\//i.test(pathOrUrl)) return undefined;
  if (/^file:\/\//i.test(pathOrUrl)) return fileURLToPath(pathOrUrl);
  return pathOrUrl;
}

function kindOf(p: string): 'file' | 'dir' | 'missing' | 'other' {
  try {
    const s = statSync(p);
    return s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other';
  } catch {
    return 'missing';
  }
}

const JS_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);

function processorProblems(spec: ServiceSpec): Problem[] {
  const given = spec.processor_path;
  if (given === undefined) return [];
  const path = localPath(given);
  if (path === undefined) return [{ path: 'processor_path', message: 'must be a local path or file:// URL (remote processors are not supported)' }];
  const kind = kindOf(path);
  if (kind === 'missing') return [{ path: 'processor_path', message: `no such file or folder: ${path}` }];
  if (kind === 'other') return [{ path: 'processor_path', message: `is neither a file nor a folder: ${path}` }];
  if (kind === 'file') {
    const out: Problem[] = [];
    if (!JS_EXTENSIONS.has(extname(path))) out.push({ path: 'processor_path', message: `must be a .js, .mjs or .cjs file, got ${path}` });
    if (spec.processor_entry !== undefined) out.push({ path: 'processor_entry', message: 'applies only when processor_path is a folder' });
    return out;
  }
  if (spec.processor_entry !== undefined) {
    const entry = join(path, spec.processor_entry);
    return kindOf(entry) === 'file' ? [] : [{ path: 'processor_entry', message: `no such file in processor_path: ${entry}` }];
  }
  if (defaultEntry(path) === undefined) {
    return [{ path: 'processor_entry', message: `is required: ${path} has no package.json "main", index.js or index.mjs` }];
  }
  return [];
}

/** The module a processor folder loads when processor_entry is absent. */
export function defaultEntry(dir: string): string | undefined {
  const pkgFile = join(dir, 'package.json');
  if (existsSync(pkgFile)) {
    try {
      const main = (JSON.parse(readFileSync(pkgFile, 'utf8')) as { main?: unknown }).main;
      if (typeof main === 'string' && kindOf(join(dir, main)) === 'file') return join(dir, main);
    } catch {
      // an unreadable package.json falls through to the index files
    }
  }
  for (const name of ['index.js', 'index.mjs', 'index.cjs']) if (kindOf(join(dir, name)) === 'file') return join(dir, name);
  return undefined;
}

/** Fields the schema accepts that this build cannot honour yet: rejected, never ignored. */
function unsupportedProblems(spec: ServiceSpec): Problem[] {
  const out: Problem[] = [];
  const not = (path: string, what: string): void => {
    out.push({ path, message: `${what} is not supported by this easel version yet` });
  };
  const meta = spec.metadata;
  if (meta?.type !== undefined) not('metadata.type', 'asynchronous (queue) services');
  if (meta?.group !== undefined) not('metadata.group', 'service groups');
  if (meta?.resource !== undefined) not('metadata.resource', 'resource groups');
  if (meta?.resource_burstable !== undefined) not('metadata.resource_burstable', 'resource-group overflow');
  if (meta?.gpu !== undefined && meta.gpu > 0) not('metadata.gpu', 'GPU scheduling');
  if (spec.autoscaler !== undefined) not('autoscaler', 'autoscaling');
  if (spec.cloud !== undefined) not('cloud', 'cloud instance types');
  return out;
}

function modelProblems(spec: ServiceSpec): Problem[] {
  const out: Problem[] = [];
  if (spec.model_path !== undefined) {
    const path = localPath(spec.model_path);
    const kind = path === undefined ? 'remote' : kindOf(path);
    if (kind === 'missing') out.push({ path: 'model_path', message: `no such file or folder: ${path}` });
    if (kind === 'dir' && path !== undefined) {
      if (spec.model_entry !== undefined && kindOf(join(path, spec.model_entry)) !== 'file') {
        out.push({ path: 'model_entry', message: `no such file in model_path: ${join(path, spec.model_entry)}` });
      }
      if (spec.model_entry === undefined && spec.processor !== undefined && spec.processor !== 'echo') {
        out.push({ path: 'model_entry', message: `is required: model_path ${path} is a folder, and the ${spec.processor} processor needs the model file inside it` });
      }
    }
  }
  if (spec.processor !== undefined && isModelProcessor(spec.processor)) {
    for (const [path, message] of modelConfigProblems(spec.processor, spec.model_config)) out.push({ path, message });
  }
  const warmUp = spec.warm_up_data_path;
  if (warmUp !== undefined) {
    const path = localPath(warmUp);
    if (path === undefined) out.push({ path: 'warm_up_data_path', message: 'must be a local file (absolute path or file:// URL)' });
    else if (kindOf(path) !== 'file') out.push({ path: 'warm_up_data_path', message: `no such file: ${path}` });
    if (spec.containers !== undefined) out.push({ path: 'warm_up_data_path', message: 'applies to processors easel runs, not to containers' });
  }
  return out;
}

export function environmentProblems(spec: ServiceSpec): Problem[] {
  const out: Problem[] = [...unsupportedProblems(spec), ...processorProblems(spec)];
  if (spec.processor !== undefined && !availableProcessors().includes(spec.processor)) {
    out.push({ path: 'processor', message: `built-in processor "${spec.processor}" is not available in this easel version yet (available: ${availableProcessors().join(', ')})` });
  }
  out.push(...modelProblems(spec));
  if (spec.metadata?.rpc?.batching === true && spec.containers !== undefined) {
    out.push({ path: 'metadata.rpc.batching', message: 'applies to processors easel runs, not to containers (a container batches on its own)' });
  }
  const dir = spec.containers?.[0]?.working_dir;
  if (dir !== undefined && kindOf(dir) !== 'dir') out.push({ path: 'containers[0].working_dir', message: `no such folder: ${dir}` });
  return out;
}
