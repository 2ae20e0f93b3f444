// Where an instance's files live: `<dir>/<instance>/{instance.json,output.log,output.log.N}`.
import { join } from 'node:path';

// Instance names become folder names, so they must not be able to point anywhere else.
const INSTANCE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function assertInstanceName(name: string): void {
  if (!INSTANCE_NAME.test(name) || name.includes('..')) {
    throw new Error(`invalid instance name ${JSON.stringify(name)}: use letters, digits, "_", "-" and "." (at most 128)`);
  }
}

export interface InstanceFiles {
  folder: string;
  config: string;
  log: string;
}

export function instanceFiles(dir: string, instance: string): InstanceFiles {
  const folder = join(dir, instance);
  return { folder, config: join(folder, 'instance.json'), log: join(folder, 'output.log') };
}

/** `output.log.<n>`: n = 1 is the most recently rotated file. */
export function rotatedLog(log: string, n: number): string {
  return `${log}.${n}`;
}
