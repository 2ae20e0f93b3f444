// `easel gateway ...`: a standalone gateway fed by the control plane's watch stream.
import { rename, rm, writeFile } from 'node:fs/promises';
import pino from 'pino';
import { createGateway } from './gateway.js';
import { watchRoutes, watchUrl } from './watch.js';

export interface GatewayCommandOptions {
  /** Control-plane base URL, e.g. http://127.0.0.1:8081. */
  controlPlane: string;
  /** Admin token. */
  token: string;
  host: string;
  port: number;
  /** Once listening, `{pid, host, port, controlPlane, startedAt}` is written here atomically. */
  stateFile?: string;
  maxBodyBytes?: number;
}

/** What the state file holds. */
export interface GatewayStateFile {
  pid: number;
  host: string;
  port: number;
  controlPlane: string;
  startedAt: string;
}

const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Creates and starts the gateway, follows the control plane, prints
 * `gateway listening on http://<host>:<port>` and resolves after a graceful stop on SIGTERM
 * or SIGINT. Logs JSON lines to stderr.
 */
export async function runGatewayCommand(opts: GatewayCommandOptions): Promise<void> {
  // A bad control-plane URL is refused before anything starts.
  watchUrl(opts.controlPlane);
  // Asynchronous writes keep a burst of per-request error lines off the data plane's hot path.
  const destination = pino.destination({ fd: 2, sync: false });
  const logger = pino({ name: 'gateway', level: process.env.EASEL_LOG_LEVEL ?? 'info' }, destination);
  const gateway = createGateway({ host: opts.host, port: opts.port, maxBodyBytes: opts.maxBodyBytes, logger });
  // Listen for signals first: a stop request during start-up must still shut down cleanly.
  const stop = stopSignal();
  let host: string;
  let port: number;
  try {
    ({ host, port } = await gateway.listen());
  } catch (err) {
    stop.cancel();
    throw err;
  }
  const watch = watchRoutes(gateway, { url: opts.controlPlane, token: opts.token, logger });

  try {
    if (opts.stateFile !== undefined) {
      const state: GatewayStateFile = { pid: process.pid, host, port, controlPlane: opts.controlPlane, startedAt: new Date().toISOString() };
      await writeAtomically(opts.stateFile, `${JSON.stringify(state, null, 2)}\n`);
    }
    process.stdout.write(`gateway listening on http://${host}:${port}\n`);
    const signal = await stop.signal;
    logger.info({ signal }, 'gateway stopping');
  } finally {
    await watch.close();
    await gateway.close(SHUTDOWN_GRACE_MS);
    if (opts.stateFile !== undefined) await rm(opts.stateFile, { force: true });
    destination.flushSync();
  }
}

/** The first SIGTERM or SIGINT; cancel() stops listening for them. */
function stopSignal(): { signal: Promise<NodeJS.Signals>; cancel(): void } {
  let onSignal: (sig: NodeJS.Signals) => void = () => undefined;
  const cancel = (): void => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    onSignal = (sig) => {
      cancel();
      resolve(sig);
    };
  });
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return { signal, cancel };
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o644 });
  await rename(tmp, path);
}
