// The control plane's home folder: database, admin token, instance folders, logs.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync, existsSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface HomeLayout {
  root: string;
  database: string;
  adminToken: string;
  instances: string;
  system: string;
  logs: string;
  lock: string;
  models: string;
}

/** `--home`, else $EASEL_HOME, else ./.easel. */
export function resolveHome(flag: string | undefined): string {
  return resolve(flag ?? process.env.EASEL_HOME ?? '.easel');
}

export function homeLayout(root: string): HomeLayout {
  return {
    root,
    database: join(root, 'easel.db'),
    adminToken: join(root, 'admin.token'),
    instances: join(root, 'instances'),
    system: join(root, 'system'),
    logs: join(root, 'logs'),
    lock: join(root, 'controlplane.lock'),
    models: join(root, 'models'),
  };
}

export function ensureHome(layout: HomeLayout): void {
  for (const dir of [layout.root, layout.instances, layout.system, layout.logs, layout.models]) mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Reads the admin token, creating it (mode 0600) on first start. */
export function loadOrCreateAdminToken(file: string): string {
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= 16) return token;
    throw new Error(`${file} holds no valid admin token; delete it to have a new one created`);
  }
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return token;
}

export interface LockInfo {
  pid: number;
  startTicks: number;
  url: string;
}

export function readLock(file: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

export function writeLock(file: string, info: LockInfo): void {
  writeFileSync(file, JSON.stringify(info), { mode: 0o600 });
}

export function removeLock(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}
