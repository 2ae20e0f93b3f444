// The control plane: state in SQLite, the reconcile loop over a runtime, the REST API and the
// route watch for gateways. `startControlPlane` is what `easel up` and the tests run.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createLocalRuntime, readProcStatSync } from '../runtime/index.js';
import type { Runtime } from '../runtime/types.js';
import { buildApi } from './api/server.js';
import { ensureHome, homeLayout, loadOrCreateAdminToken, readLock, removeLock, writeLock, type HomeLayout } from './home.js';
import { Reconciler } from './reconcile/loop.js';
import type { ReconcilePolicy } from './reconcile/plan.js';
import { RoutePublisher } from './routes/publisher.js';
import { Services } from './services.js';
import { openDatabase } from './store/db.js';
import { Store } from './store/store.js';

export { resolveHome, homeLayout, type HomeLayout } from './home.js';
export { checkSpec } from './services.js';

export interface ControlPlaneOptions {
  home: string;
  host?: string;
  port?: number;
  logger: Logger;
  /** The URL users call the gateway at, shown in service descriptions. */
  gatewayUrl?: () => string | undefined;
  policy?: ReconcilePolicy;
  /** Defaults to the local runtime under <home>/instances. */
  runtime?: Runtime;
}

export interface ControlPlane {
  readonly url: string;
  readonly port: number;
  readonly adminToken: string;
  readonly layout: HomeLayout;
  readonly app: FastifyInstance;
  readonly services: Services;
  readonly publisher: RoutePublisher;
  /** Stops the API and the loop; `stopInstances: false` leaves instances for the next start to adopt. */
  close(opts: { stopInstances: boolean }): Promise<void>;
}

function takeLock(layout: HomeLayout, url: string): void {
  const held = readLock(layout.lock);
  if (held !== undefined && held.pid !== process.pid) {
    const stat = readProcStatSync(held.pid);
    if (stat !== null && stat.startTicks === held.startTicks) {
      throw new Error(`another easel control plane (pid ${held.pid}, ${held.url}) is running with home ${layout.root}`);
    }
  }
  const self = readProcStatSync(process.pid);
  writeLock(layout.lock, { pid: process.pid, startTicks: self?.startTicks ?? 0, url });
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const layout = homeLayout(opts.home);
  ensureHome(layout);
  takeLock(layout, 'starting');
  const log = opts.logger;
  const db = openDatabase(layout.database);
  try {
    const adminToken = loadOrCreateAdminToken(layout.adminToken);
    const store = new Store(db);
    const publisher = new RoutePublisher({
      initialRevision: Number(store.getMeta('routes_revision') ?? '0'),
      onRevision: (revision) => store.setMeta('routes_revision', String(revision)),
      // Acks arrive only after start(), once `reconciler` below exists.
      onAck: () => reconciler.wake(),
    });
    const runtime = opts.runtime ?? createLocalRuntime({ dir: layout.instances, modelsDir: layout.models, logger: log.child({ component: 'runtime' }) });
    const reconciler = new Reconciler({ store, runtime, publisher, logger: log.child({ component: 'reconciler' }), policy: opts.policy });
    const services = new Services({ store, reconciler, runtime, logger: log.child({ component: 'services' }), gatewayUrl: opts.gatewayUrl ?? (() => undefined) });
    const app = buildApi({ services, publisher, adminToken, logger: log.child({ component: 'api' }) });

    await reconciler.start();
    const host = opts.host ?? '127.0.0.1';
    await app.listen({ host, port: opts.port ?? 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : (opts.port ?? 0);
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    takeLock(layout, url);
    log.info({ url, home: layout.root }, 'control plane listening');

    let closing: Promise<void> | undefined;
    return {
      url,
      port,
      adminToken,
      layout,
      app,
      services,
      publisher,
      close(closeOpts) {
        closing ??= (async () => {
          await app.close();
          await reconciler.close(closeOpts);
          db.close();
          removeLock(layout.lock);
          log.info('control plane stopped');
        })();
        return closing;
      },
    };
  } catch (err) {
    db.close();
    removeLock(layout.lock);
    throw err;
  }
}
