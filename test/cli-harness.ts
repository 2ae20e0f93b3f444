// Shared by the CLI integration tests: a real control plane (and optionally a gateway) in the
// test process, and the real `easel` command run as a child process against it.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../src/controlplane/index.js';
import { createGateway, watchRoutes, type Gateway } from '../src/gateway/index.js';
import { silentLogger } from '../src/shared/logger.js';
import { EASEL_BIN, PACKAGE_ROOT } from '../src/shared/paths.js';
import { waitFor } from './helpers/wait.js';

export const FIXTURES = join(PACKAGE_ROOT, 'test', 'fixtures', 'cli');

/** Fast crash-loop detection so a failing service is reported within a second or two. */
const TEST_POLICY = { backoffBaseMs: 100, backoffMaxMs: 400, crashLoopThreshold: 3, stableAfterMs: 30_000 };

export interface Stack {
  cp: ControlPlane;
  /** The test's scratch folder: home of the control plane, working folder of the CLI. */
  dir: string;
  gatewayUrl: string | undefined;
  close(): Promise<void>;
}

export async function startStack(opts: { gateway?: boolean } = {}): Promise<Stack> {
  const dir = await mkdtemp(join(tmpdir(), 'easel-cli-test-'));
  let gatewayUrl: string | undefined;
  const cp = await startControlPlane({ home: join(dir, 'home'), port: 0, logger: silentLogger(), gatewayUrl: () => gatewayUrl, policy: TEST_POLICY });
  let gateway: Gateway | undefined;
  let watch: { close(): Promise<void> } | undefined;
  try {
    if (opts.gateway === true) {
      gateway = createGateway({ port: 0 });
      const { host, port } = await gateway.listen();
      gatewayUrl = `http://${host}:${port}`;
      watch = watchRoutes(gateway, { url: cp.url, token: cp.adminToken });
    }
  } catch (err) {
    await cp.close({ stopInstances: true });
    throw err;
  }
  return {
    cp,
    dir,
    get gatewayUrl() {
      return gatewayUrl;
    },
    async close() {
      await watch?.close();
      await gateway?.close(1000);
      await cp.close({ stopInstances: true });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Leave out --endpoint (to test how the CLI finds the control plane itself). */
  noEndpoint?: boolean;
  timeoutMs?: number;
  cwd?: string;
  input?: string;
  /** Send SIGINT (Ctrl-C) once stdout matches, e.g. to end `logs -f`. */
  interruptWhen?: RegExp;
  /** Called with all of stdout so far whenever more arrives. */
  onStdout?: (stdout: string) => void;
}

/**
 * Runs `easel <args> --endpoint <cp>` with the admin token in $EASEL_TOKEN, in its own process
 * group that is killed when the run ends or its deadline passes.
 */
export async function easel(stack: Stack, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, EASEL_TOKEN: stack.cp.adminToken, NO_COLOR: '1', EASEL_HOME: join(stack.dir, 'home') };
  delete env.EASEL_ENDPOINT;
  delete env.EASEL_GATEWAY;
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const argv = [EASEL_BIN, ...args, ...(opts.noEndpoint === true ? [] : ['--endpoint', stack.cp.url])];
  return run(argv, { env, cwd: opts.cwd ?? stack.dir, timeoutMs: opts.timeoutMs ?? 60_000, input: opts.input, interruptWhen: opts.interruptWhen, onStdout: opts.onStdout });
}

interface ProcessOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  timeoutMs: number;
  input?: string | undefined;
  interruptWhen?: RegExp | undefined;
  onStdout?: ((stdout: string) => void) | undefined;
}

export function run(argv: readonly string[], opts: ProcessOptions): Promise<RunResult> {
  const child = spawn(process.execPath, argv, { env: opts.env, cwd: opts.cwd, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let interrupted = false;
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    opts.onStdout?.(stdout);
    if (opts.interruptWhen !== undefined && !interrupted && opts.interruptWhen.test(stdout)) {
      interrupted = true;
      child.kill('SIGINT');
    }
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(opts.input ?? '');
  const killGroup = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup();
      reject(new Error(`easel ${argv.slice(1).join(' ')} did not finish within ${opts.timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      killGroup();
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      killGroup();
      resolve({ code, stdout, stderr });
    });
  });
}

/** Fails with the command's output when it did not exit with the expected code. */
export function expectCode(result: RunResult, code: number, what: string): RunResult {
  if (result.code !== code) {
    throw new Error(`${what}: expected exit code ${code}, got ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  }
  return result;
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export function eventually<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  return waitFor(what, check, timeoutMs, 100);
}

export interface LongRunning {
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with the first match of `pattern` in stdout; rejects after the deadline or when the process ends first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends a signal and resolves with the exit code; the group is SIGKILLed after the deadline. */
  stop(signal: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
  /** SIGKILLs the whole process group (for after hooks). */
  kill(): void;
}

/** Starts `easel <args>` as a long-running process (up, gateway) in its own process group. */
export function startEasel(args: readonly string[], opts: { env: NodeJS.ProcessEnv; cwd: string }): LongRunning {
  const child = spawn(process.execPath, [EASEL_BIN, ...args], { env: opts.env, cwd: opts.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve((exitCode = code))));
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const kill = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  return {
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    async waitFor(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = stdout.match(pattern);
        if (match !== null) return match;
        if (exitCode !== undefined || Date.now() > deadline) {
          throw new Error(`easel ${args.join(' ')}: ${exitCode !== undefined ? `exited (${exitCode})` : 'timed out'} before printing ${pattern}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(signal, timeoutMs = 20_000) {
      if (exitCode === undefined) child.kill(signal);
      const timer = setTimeout(kill, timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    kill,
  };
}
