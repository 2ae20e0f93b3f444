// One probe against an instance on 127.0.0.1: null when it passed, else why it failed,
// e.g. "GET /health: 500", "GET /__easel/ready: connect ECONNREFUSED", "tcp 8080: timed out".
import { request } from 'node:http';
import { connect } from 'node:net';
import type { ProbeTarget } from './probe-plan.js';

const HOST = '127.0.0.1';

function describeError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (typeof e.syscall === 'string' && typeof e.code === 'string') return `${e.syscall} ${e.code}`;
  return err instanceof Error ? err.message : String(err);
}

export function probe(target: ProbeTarget, timeoutMs: number, signal: AbortSignal): Promise<string | null> {
  return target.type === 'http' ? httpProbe(target, timeoutMs, signal) : tcpProbe(target.port, timeoutMs, signal);
}

/** The first failure among targets probed one after the other, or null when all pass. */
export async function probeAll(targets: readonly ProbeTarget[], timeoutMs: number, signal: AbortSignal): Promise<string | null> {
  for (const target of targets) {
    const failure = await probe(target, timeoutMs, signal);
    if (failure !== null) return failure;
  }
  return null;
}

function httpProbe(target: Extract<ProbeTarget, { type: 'http' }>, timeoutMs: number, signal: AbortSignal): Promise<string | null> {
  const label = `GET ${target.path}`;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: string | null): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    // No agent: every probe is a fresh connection, as a new client would make.
    const req = request({ host: HOST, port: target.port, path: target.path, method: 'GET', agent: false, signal, headers: { 'user-agent': 'easel-probe' } }, (res) => {
      const status = res.statusCode ?? 0;
      const passed = target.accept === 'exact200' ? status === 200 : status >= 200 && status < 400;
      res.resume();
      settle(passed ? null : `${label}: ${status}`);
    });
    // The timer covers the whole exchange and is cleared once the request is done with.
    const timer = setTimeout(() => {
      settle(`${label}: timed out`);
      req.destroy();
    }, timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (err) => settle(signal.aborted ? `${label}: aborted` : `${label}: ${describeError(err)}`));
    req.end();
  });
}

function tcpProbe(port: number, timeoutMs: number, signal: AbortSignal): Promise<string | null> {
  const label = `tcp ${port}`;
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(`${label}: aborted`);
      return;
    }
    const socket = connect({ host: HOST, port });
    const finish = (result: string | null): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    };
    const onAbort = (): void => finish(`${label}: aborted`);
    const timer = setTimeout(() => finish(`${label}: timed out`), timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish(null));
    socket.once('error', (err) => finish(`${label}: ${describeError(err)}`));
  });
}
