// Running wrk (https://github.com/wg/wrk) and reading its report: the load generator of the
// benchmarks that need one faster than the machine under test.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WrkResult {
  rps: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export function runWrk(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { maxBuffer: 1 << 20 }, (err, stdout) => {
      if (err === null) resolve(stdout);
      else reject(Object.assign(new Error(err.message), { code: err.code }));
    });
  });
}

function toMs(value: string, unit: string): number {
  const n = Number.parseFloat(value);
  if (unit === 'us') return n / 1000;
  if (unit === 's') return n * 1000;
  if (unit === 'm') return n * 60_000;
  return n;
}

export function parseWrk(out: string): WrkResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (rps === null) throw new Error(`cannot read wrk output:\n${out}`);
  const p50 = /^\s+50%\s+([\d.]+)(us|ms|s|m)\s*$/m.exec(out);
  const p99 = /^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$/m.exec(out);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const sockErrors = sock === null ? 0 : sock.slice(1).reduce((a, b) => a + Number(b), 0);
  const requests = /(\d+) requests in/.exec(out);
  return {
    rps: Number.parseFloat(rps[1]!),
    requests: requests === null ? 0 : Number(requests[1]),
    p50Ms: p50 === null ? NaN : toMs(p50[1]!, p50[2]!),
    p99Ms: p99 === null ? NaN : toMs(p99[1]!, p99[2]!),
    errors: (non2xx === null ? 0 : Number(non2xx[1])) + sockErrors,
  };
}

/** True when wrk is installed. */
export async function haveWrk(): Promise<boolean> {
  try {
    await runWrk(['--version']);
    return true;
  } catch (e) {
    // wrk --version exits 1 after printing its version; only a missing binary is fatal.
    return (e as { code?: unknown }).code !== 'ENOENT';
  }
}

/** POSTs `body` with `headers` from `connections` connections for `seconds`, and reads the report. */
export async function wrkPost(url: string, body: string, headers: Record<string, string>, connections: number, seconds: number): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'easel-wrk-'));
  const script = join(dir, 'post.lua');
  const lines = [`wrk.method = "POST"`, `wrk.body = ${JSON.stringify(body)}`, ...Object.entries(headers).map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`)];
  writeFileSync(script, `${lines.join('\n')}\n`);
  try {
    return parseWrk(await runWrk(['-t2', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script, url]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
