// `easel up`: the control plane, a gateway process beside it and, with --demo, example services,
// all under one home folder. Ctrl-C stops everything gracefully; a kill -9 leaves instances and
// the gateway running for the next `easel up` to adopt.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceDescription } from '../contract/api.js';
import { EaselError } from '../contract/errors.js';
import { PACKAGE_ROOT } from '../shared/paths.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { VERSION } from '../shared/version.js';
import { startGatewaySupervisor, type GatewaySupervisor } from './gateway-supervisor.js';
import { homeLayout, resolveHome } from './home.js';
import { startControlPlane, type ControlPlane } from './index.js';

export interface UpOptions {
  home: string;
  host: string;
  port: number;
  gatewayPort: number;
  /** Deploy the example services on a home that has none. */
  demo: boolean;
}

/** Example specs deployed by --demo, with their paths relative to the package root. */
const DEMO_SPECS = ['examples/echo.json', 'examples/scorer.json', 'examples/risk.json'];

/** Reads an example spec and makes its relative paths absolute (what the CLI does for users). */
function loadExample(file: string): unknown {
  const spec = JSON.parse(readFileSync(join(PACKAGE_ROOT, file), 'utf8')) as Record<string, unknown>;
  const dir = join(PACKAGE_ROOT, file, '..');
  for (const key of ['model_path', 'processor_path', 'warm_up_data_path']) {
    const v = spec[key];
    if (typeof v === 'string' && !v.startsWith('/') && !/^[a-z]+:\/\//i.test(v)) spec[key] = join(dir, v);
  }
  return spec;
}

async function waitUntilSettled(cp: ControlPlane, name: string, timeoutMs: number): Promise<ServiceDescription> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = cp.services.describe(name);
    if (d.Status === 'Running' || d.Status === 'Failed' || Date.now() > deadline) return d;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function deployDemo(cp: ControlPlane, log: Logger): Promise<ServiceDescription[]> {
  if (cp.services.list().TotalCount > 0) return [];
  const out: ServiceDescription[] = [];
  for (const file of DEMO_SPECS) {
    try {
      const created = cp.services.create(loadExample(file));
      out.push(await waitUntilSettled(cp, created.ServiceName, 60_000));
    } catch (err) {
      log.error({ err, file }, 'demo service could not be deployed');
      const why = err instanceof EaselError ? `${err.message} ${JSON.stringify(err.details ?? '')}` : String(err);
      process.stderr.write(`warning: demo service ${file} was not deployed: ${why}\n`);
    }
  }
  return out;
}

function banner(cp: ControlPlane, gateway: GatewaySupervisor, logFile: string, demo: ServiceDescription[]): string {
  const lines = [
    `easel ${VERSION} is up`,
    `  control plane  ${cp.url}`,
    `  gateway        ${gateway.url}`,
    `  home           ${cp.layout.root}   (admin token: ${cp.layout.adminToken})`,
    `  logs           ${logFile}`,
  ];
  for (const d of demo) {
    lines.push(`  service ${d.ServiceName.padEnd(8)} ${d.Status}${d.Status === 'Running' ? '' : `: ${d.Reason}`}`);
  }
  const echo = demo.find((d) => d.ServiceName === 'echo' && d.Status === 'Running');
  if (echo !== undefined) {
    lines.push('', 'Try it:', `  curl -H 'Authorization: ${echo.AccessToken}' -d '{"x":1}' ${gateway.url}${echo.ServicePath}`, '  npx easel ls');
  }
  lines.push('', 'Press Ctrl-C to stop.');
  return `${lines.join('\n')}\n`;
}

export async function runUp(opts: UpOptions): Promise<void> {
  const home = resolveHome(opts.home);
  const layout = homeLayout(home);
  const logFile = join(layout.logs, 'controlplane.log');
  const log = createLogger({ name: 'easel', file: logFile });

  // Signals are handled from the first moment: one that arrives while easel is still starting
  // stops it as soon as the start is complete, so nothing is left running.
  let stopSignal: NodeJS.Signals | undefined;
  let wake: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (wake = resolve));
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopSignal !== undefined) {
      process.stderr.write('second signal: exiting now\n');
      process.exit(130);
    }
    stopSignal = signal;
    wake();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let gateway: GatewaySupervisor | undefined;
  const cp = await startControlPlane({ home, host: opts.host, port: opts.port, logger: log, gatewayUrl: () => gateway?.url });
  try {
    gateway = await startGatewaySupervisor({
      dir: layout.system,
      controlPlaneUrl: cp.url,
      adminToken: cp.adminToken,
      host: opts.host,
      port: opts.gatewayPort,
      logger: log.child({ component: 'gateway-supervisor' }),
    });
    await gateway.ready(30_000);
    // Services are reported Running only once the gateway routes to them, so wait for the
    // gateway's watch before deploying anything.
    const deadline = Date.now() + 30_000;
    while (cp.publisher.watcherCount === 0 && Date.now() < deadline && stopSignal === undefined) await new Promise((r) => setTimeout(r, 20));
    await cp.publisher.waitForAck(cp.publisher.revision, 10_000);
  } catch (err) {
    await gateway?.close();
    await cp.close({ stopInstances: true });
    throw err;
  }
  const gw = gateway;
  if (stopSignal === undefined) {
    const demo = opts.demo ? await deployDemo(cp, log) : [];
    process.stdout.write(banner(cp, gw, logFile, demo));
    await stopped;
  }

  process.stdout.write(`\n${stopSignal ?? 'SIGTERM'}: stopping instances and the gateway (again to force)…\n`);
  try {
    await gw.close();
    await cp.close({ stopInstances: true });
  } catch (err) {
    log.error({ err }, 'shutdown failed');
  }
  log.flush();
  process.stdout.write('easel stopped\n');
}
