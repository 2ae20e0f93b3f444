// `easel instance --config <dir>/instance.json`: the process the runtime starts per instance.
// Exit codes: 0 after a drain (SIGTERM/SIGINT), 1 when it cannot listen or is stopped twice,
// 2 for an unreadable config, 3 when the processor cannot load or initialize.
import { destination, pino, stdTimeFunctions, type Logger } from 'pino';
import { readInstanceConfig } from './config.js';
import { createInstanceHost, type InstanceHost } from './host.js';

export const EXIT_CODES = { ok: 0, listen: 1, forced: 1, config: 2, processor: 3 } as const;

function stderrLine(line: string): void {
  // stderr is a file or a pipe here: both are written synchronously on Linux, so the line is out before exit.
  process.stderr.write(`${line}\n`);
}

function instanceLogger(service: string, instance: string): Logger {
  return pino(
    {
      base: { service, instance, pid: process.pid },
      level: process.env.EASEL_LOG_LEVEL ?? 'info',
      timestamp: stdTimeFunctions.isoTime,
    },
    // Synchronous, so that nothing logged before process.exit() is lost.
    destination({ dest: 1, sync: true }),
  );
}

/**
 * Reads the config, starts the host and serves until told to stop. The returned promise settles
 * only as the process exits (this command owns the process): 0 after a drain on SIGTERM/SIGINT,
 * 3 with one line on stderr when the processor cannot load or initialize.
 */
export async function runInstanceCommand(opts: { config: string }): Promise<void> {
  let config;
  try {
    config = await readInstanceConfig(opts.config);
  } catch (e) {
    stderrLine(e instanceof Error ? e.message : String(e));
    return exit(EXIT_CODES.config);
  }
  const logger = instanceLogger(config.service, config.instance);
  let stopping = false;
  const stopped = new Promise<number>((resolveExit) => {
    let host: InstanceHost | undefined;
    const onFatal = (error: Error): void => {
      if (stopping) return;
      stopping = true;
      stderrLine(error.message);
      logger.error({ err: error.message }, 'exiting: the processor cannot serve');
      void (host?.close(0) ?? Promise.resolve()).finally(() => resolveExit(EXIT_CODES.processor));
    };
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        logger.warn({ signal }, 'second stop signal: exiting without finishing the drain');
        resolveExit(EXIT_CODES.forced);
        return;
      }
      stopping = true;
      logger.info({ signal }, 'stop signal: draining');
      void (host?.close() ?? Promise.resolve()).then(
        () => resolveExit(EXIT_CODES.ok),
        (e: unknown) => {
          logger.error({ err: e instanceof Error ? e.message : String(e) }, 'drain failed');
          resolveExit(EXIT_CODES.ok);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);

    createInstanceHost(config, { logger, onFatal })
      .then(async (created) => {
        host = created;
        const addr = await created.listen().catch((e: unknown) => {
          const reason = e instanceof Error ? e.message : String(e);
          stderrLine(`cannot listen on ${config.host}:${config.port}: ${reason}`);
          stopping = true;
          resolveExit(EXIT_CODES.listen);
          return undefined;
        });
        if (addr !== undefined) logger.info({ host: addr.host, port: addr.port }, 'instance listening');
      })
      .catch((e: unknown) => {
        stderrLine(`cannot start the instance: ${e instanceof Error ? e.message : String(e)}`);
        stopping = true;
        resolveExit(EXIT_CODES.config);
      });
  });
  return exit(await stopped);
}

function exit(code: number): Promise<void> {
  process.exit(code);
}
