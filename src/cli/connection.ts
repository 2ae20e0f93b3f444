// Where the control plane is and which admin token to present. Every source is explicit so
// that a failure can say where the CLI looked (a 401 names the token file it read).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from './errors.js';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:8081';

export type EndpointSource = 'flag' | 'env' | 'lock' | 'default';
export type TokenSource = { kind: 'env' } | { kind: 'file'; file: string } | { kind: 'none'; file: string };

export interface Connection {
  endpoint: string;
  endpointSource: EndpointSource;
  home: string;
  token: string | undefined;
  tokenSource: TokenSource;
}

export interface ConnectionInputs {
  endpointFlag?: string | undefined;
  homeFlag?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Reads a file as text, or undefined when it cannot be read. */
  readText: (file: string) => string | undefined;
  /** True when a process with this pid exists. */
  pidAlive: (pid: number) => boolean;
}

/** `--home`, else $EASEL_HOME, else ./.easel (the control plane's own rule). */
export function resolveHome(flag: string | undefined, env: ConnectionInputs['env'], cwd: string): string {
  return resolve(cwd, flag ?? env.EASEL_HOME ?? '.easel');
}

/** Normalizes a user-given URL: a scheme is required, a trailing slash is dropped. */
export function normalizeUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return raw.replace(/\/+$/, '');
}

interface LockFile {
  pid: number;
  url: string;
}

/** The URL a running control plane recorded in `<home>/controlplane.lock`, if it still runs. */
export function lockedEndpoint(home: string, inputs: Pick<ConnectionInputs, 'readText' | 'pidAlive'>): string | undefined {
  const text = inputs.readText(join(home, 'controlplane.lock'));
  if (text === undefined) return undefined;
  try {
    const lock = JSON.parse(text) as Partial<LockFile>;
    if (typeof lock.pid !== 'number' || typeof lock.url !== 'string') return undefined;
    const url = normalizeUrl(lock.url);
    return url !== undefined && inputs.pidAlive(lock.pid) ? url : undefined;
  } catch {
    return undefined;
  }
}

export function resolveConnection(inputs: ConnectionInputs): Connection {
  const home = resolveHome(inputs.homeFlag, inputs.env, inputs.cwd);
  let endpoint: string;
  let endpointSource: EndpointSource;
  const explicit = inputs.endpointFlag ?? inputs.env.EASEL_ENDPOINT;
  if (explicit !== undefined && explicit !== '') {
    endpointSource = inputs.endpointFlag !== undefined ? 'flag' : 'env';
    const url = normalizeUrl(explicit);
    if (url === undefined) {
      const where = endpointSource === 'flag' ? '--endpoint' : '$EASEL_ENDPOINT';
      throw new UsageError(`${where} must be an http(s) URL such as ${DEFAULT_ENDPOINT}, got ${JSON.stringify(explicit)}`);
    }
    endpoint = url;
  } else {
    const locked = lockedEndpoint(home, inputs);
    endpoint = locked ?? DEFAULT_ENDPOINT;
    endpointSource = locked === undefined ? 'default' : 'lock';
  }

  const tokenFile = join(home, 'admin.token');
  const envToken = inputs.env.EASEL_TOKEN?.trim();
  if (envToken !== undefined && envToken !== '') return { endpoint, endpointSource, home, token: envToken, tokenSource: { kind: 'env' } };
  const fileToken = inputs.readText(tokenFile)?.trim();
  if (fileToken !== undefined && fileToken !== '') return { endpoint, endpointSource, home, token: fileToken, tokenSource: { kind: 'file', file: tokenFile } };
  return { endpoint, endpointSource, home, token: undefined, tokenSource: { kind: 'none', file: tokenFile } };
}

/** The inputs of this process: its flags, environment and file system. */
export function processInputs(flags: { endpoint?: string | undefined; home?: string | undefined }): ConnectionInputs {
  return {
    endpointFlag: flags.endpoint,
    homeFlag: flags.home,
    env: process.env,
    cwd: process.cwd(),
    readText: (file) => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    },
    pidAlive: (pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch (err) {
        // EPERM: it exists but belongs to someone else.
        return (err as NodeJS.ErrnoException).code === 'EPERM';
      }
    },
  };
}

/** What to tell a user whose token the control plane refused (or who has none). */
export function tokenHint(conn: Connection): string {
  switch (conn.tokenSource.kind) {
    case 'env':
      return `$EASEL_TOKEN does not hold the admin token of the control plane at ${conn.endpoint}; its token is in <home>/admin.token of that control plane (unset $EASEL_TOKEN to read ${join(conn.home, 'admin.token')})`;
    case 'file':
      return `${conn.tokenSource.file} does not hold the admin token of the control plane at ${conn.endpoint}; pass --home <dir> of that control plane or set $EASEL_TOKEN`;
    case 'none':
      return `no admin token found: ${conn.tokenSource.file} does not exist and $EASEL_TOKEN is unset; pass --home <dir> of the control plane (its token is in <dir>/admin.token) or set $EASEL_TOKEN`;
  }
}
