// Spawning an instance: its own process group, its output straight into its log file.
import { spawn, type ChildProcess } from 'node:child_process';
import { open } from 'node:fs/promises';
import type { CommandPlan } from './command.js';
import type { RuntimeLog } from './options.js';
import type { HandleEnd, ProcessHandle } from './process-handle.js';
import { signalGroupLogged } from './process-group.js';
import { readProcStatSync } from './proc-stat.js';

class ChildHandle implements ProcessHandle {
  readonly pid: number;
  readonly startTicks: number;
  readonly adopted = false;
  readonly ended: Promise<HandleEnd>;
  readonly #child: ChildProcess;
  readonly #log: RuntimeLog;
  #end!: (end: HandleEnd) => void;
  readonly #onExit = (code: number | null, signal: NodeJS.Signals | null): void => this.#end({ kind: 'exited', code, signal });

  constructor(child: ChildProcess, pid: number, startTicks: number, log: RuntimeLog) {
    this.#child = child;
    this.pid = pid;
    this.startTicks = startTicks;
    this.#log = log;
    this.ended = new Promise((resolve) => {
      this.#end = resolve;
    });
    child.once('exit', this.#onExit);
  }

  signal(signal: NodeJS.Signals): boolean {
    return signalGroupLogged(this.pid, signal, this.#log);
  }

  release(): Promise<void> {
    this.#child.off('exit', this.#onExit);
    // The child no longer keeps this process alive; libuv still reaps it should it end.
    this.#child.unref();
    this.#end({ kind: 'released' });
    return Promise.resolve();
  }
}

/**
 * Starts the planned command detached (its own process group and session: a Ctrl-C on the
 * control plane's terminal does not reach it, and it outlives a killed control plane) with
 * stdout and stderr appended to `logPath` by the child itself, so no pipe ties it to us.
 * Rejects when the program cannot be started at all (missing file, bad working directory).
 */
export async function spawnChild(plan: CommandPlan, logPath: string, log: RuntimeLog): Promise<ProcessHandle> {
  const logFile = await open(logPath, 'a');
  let handle: ChildHandle | null = null;
  let started: Promise<Error | null>;
  try {
    const child = spawn(plan.file, plan.args, { cwd: plan.cwd, env: plan.env, detached: true, stdio: ['ignore', logFile.fd, logFile.fd] });
    // Everything is wired before the first await: a program that ends at once may have its
    // 'exit' delivered during any later turn of the event loop. A spawn failure resolves
    // (rather than rejects) so that it is never unhandled in the meantime.
    started = new Promise<Error | null>((resolve) => {
      const onSpawn = (): void => {
        child.off('error', onError);
        resolve(null);
      };
      const onError = (err: Error): void => {
        child.off('spawn', onSpawn);
        resolve(new Error(`could not start ${plan.file}: ${err.message}`, { cause: err }));
      };
      child.once('spawn', onSpawn);
      child.once('error', onError);
    });
    child.on('error', (err) => log.warn({ err, pid: child.pid }, 'instance process error'));
    if (child.pid !== undefined) {
      // Until the event loop turns, libuv cannot have reaped the child: its stat is there.
      handle = new ChildHandle(child, child.pid, readProcStatSync(child.pid)?.startTicks ?? 0, log);
    }
  } finally {
    // The child holds its own copy of the descriptor.
    await logFile.close();
  }
  const failure = await started;
  if (failure !== null) throw failure;
  if (handle === null) throw new Error(`could not start ${plan.file}: no process id`);
  return handle;
}
