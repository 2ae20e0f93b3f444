// Runs the gateway as its own process next to the control plane (`easel up`), so the data
// plane keeps serving from its last routing table while the control plane restarts, even
// after a kill -9. The process is managed by a local runtime of its own: the same log capture,
// readiness probe, graceful stop and re-adoption that instances get.
import { readFileSync, renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { resolveSpec, validateSpec } from '../contract/validate.js';
import { createLocalRuntime } from '../runtime/index.js';
import type { LaunchRequest, ProcessRecord, Runtime } from '../runtime/types.js';
import { freePort } from '../shared/free-port.js';
import { EASEL_BIN } from '../shared/paths.js';

const NAME = 'gateway';
const RESTART_BACKOFF_MS = { base: 1000, max: 30_000 };

export interface GatewaySupervisorOptions {
  /** `<home>/system`: the gateway's folder, log and process record live here. */
  dir: string;
  controlPlaneUrl: string;
  adminToken: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  logger: Logger;
}

interface SavedRecord extends ProcessRecord {
  controlPlane: string;
}

export interface GatewaySupervisor {
  readonly url: string;
  /** Resolves once the gateway answers its health check. */
  ready(timeoutMs: number): Promise<void>;
  /** Stops the gateway process gracefully. */
  close(): Promise<void>;
}

function launchRequest(opts: GatewaySupervisorOptions, port: number): LaunchRequest {
  const spec = {
    name: NAME,
    containers: [
      {
        command: [process.execPath, EASEL_BIN, 'gateway', '--control-plane', opts.controlPlaneUrl, '--host', opts.host, '--port', String(port)],
        port,
        env: [{ name: 'EASEL_TOKEN', value: opts.adminToken }],
      },
    ],
    health_check: { type: 'http' as const, path: '/healthz', period_seconds: 2, timeout_seconds: 2, failure_threshold: 3 },
    metadata: { termination_grace_period: 10 },
  };
  const checked = validateSpec(spec);
  if (!checked.ok) throw new Error(`internal gateway spec is invalid: ${JSON.stringify(checked.problems)}`);
  return { instance: NAME, service: NAME, version: 1, spec: checked.spec, resolved: resolveSpec(checked.spec) };
}

function readRecord(file: string): SavedRecord | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SavedRecord;
  } catch {
    return undefined;
  }
}

function writeRecord(file: string, record: SavedRecord): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(record), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export async function startGatewaySupervisor(opts: GatewaySupervisorOptions): Promise<GatewaySupervisor> {
  const log = opts.logger;
  const recordFile = join(opts.dir, 'gateway.json');
  const runtime: Runtime = createLocalRuntime({ dir: opts.dir, logger: log.child({ component: 'gateway-runtime' }) });
  const saved = readRecord(recordFile);
  const port = opts.port !== 0 ? opts.port : (saved?.port ?? (await freePort()));
  let req = launchRequest(opts, port);
  let state: 'running' | 'closing' | 'closed' = 'running';
  let failures = 0;
  let restartTimer: NodeJS.Timeout | undefined;

  const launch = async (): Promise<void> => {
    const record = await runtime.launch(req);
    writeRecord(recordFile, { ...record, controlPlane: opts.controlPlaneUrl });
    log.info({ pid: record.pid, port: record.port }, 'gateway started');
  };

  // A gateway from an earlier run is kept when it serves this control plane on this port; it
  // reconnects its watch on its own. One that serves another address is replaced.
  let adopted = false;
  if (saved !== undefined) {
    const sameRequest = launchRequest({ ...opts, controlPlaneUrl: saved.controlPlane }, saved.port);
    adopted = await runtime.adopt(sameRequest, saved);
    if (adopted && (saved.controlPlane !== opts.controlPlaneUrl || saved.port !== port)) {
      log.info({ pid: saved.pid }, 'replacing the gateway of an earlier run: it serves another address');
      await runtime.stop(NAME, 10_000);
      adopted = false;
    } else if (adopted) {
      req = sameRequest;
      log.info({ pid: saved.pid, port: saved.port }, 'gateway of an earlier run re-adopted');
    }
  }
  if (!adopted) await launch();

  runtime.onChange(() => {
    const obs = runtime.observe().find((o) => o.instance === NAME);
    if (obs === undefined || state !== 'running') return;
    if (obs.phase === 'ready') failures = 0;
    if (obs.phase !== 'exited') return;
    failures++;
    const delay = Math.min(RESTART_BACKOFF_MS.max, RESTART_BACKOFF_MS.base * 2 ** Math.min(failures - 1, 10));
    log.error({ lastState: obs.lastState, lastLines: obs.lastLogLines.slice(-5), delay }, 'gateway exited; restarting it');
    clearTimeout(restartTimer);
    restartTimer = setTimeout(() => {
      if (state !== 'running') return;
      launch().catch((err: unknown) => log.error({ err }, 'gateway restart failed'));
    }, delay);
  });

  const hostForUrl = opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host;
  return {
    url: `http://${hostForUrl}:${port}`,
    async ready(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const obs = runtime.observe().find((o) => o.instance === NAME);
        if (obs?.phase === 'ready') return;
        if (Date.now() > deadline) {
          throw new Error(`the gateway did not become ready within ${timeoutMs} ms: ${obs?.probeError ?? obs?.lastState?.Message ?? 'unknown'} (log: ${join(opts.dir, NAME, 'output.log')})`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      if (state !== 'running') return;
      state = 'closing';
      clearTimeout(restartTimer);
      await runtime.stop(NAME, 10_000);
      await runtime.close({ stopInstances: false });
      try {
        unlinkSync(recordFile);
      } catch {
        // never written
      }
      state = 'closed';
    },
  };
}
