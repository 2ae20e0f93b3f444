// Gateway overhead against calling the instance directly, measured in the same run with wrk:
//   (a) saturation, 32 connections: direct_rps, gateway_rps and their ratio;
//   (b) one connection: p50/p99 latency added by the gateway.
// Direct and gateway runs alternate (direct, gateway, direct, ...) and medians are reported,
// so a noisy neighbour hurts both sides alike. Prints one JSON line at the end.
//
//   npm run bench:gateway -- [--rounds 3] [--duration 5] [--cpu-prof <dir>]
//
// The system under test is a real `easel up` with an echo service of one instance (the
// instance host, `easel instance`); --cpu-prof writes V8 CPU profiles of easel's processes into <dir>.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstanceDescription, ServiceDescription } from '../src/contract/api.js';
import { median, round, sleep, startStack } from './support.js';
import { parseWrk, runWrk, type WrkResult } from './wrk.js';

const SERVICE = 'echo';
const BODY = '{"inputs":[[5.1,3.5,1.4,0.2]],"request_id":"bench-0001"}';

interface Args {
  rounds: number;
  duration: number;
  cpuProf: string | null;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { rounds: 3, duration: 5, cpuProf: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--rounds' && v !== undefined) args.rounds = Math.max(1, Number.parseInt(v, 10));
    else if (a === '--duration' && v !== undefined) args.duration = Math.max(1, Number.parseInt(v, 10));
    else if (a === '--cpu-prof' && v !== undefined) args.cpuProf = v;
    else continue;
    i++;
  }
  return args;
}

// ---- the system under test ----

interface Stack {
  directUrl: string;
  gatewayUrl: string;
  token: string;
  /** Process ids, for CPU accounting. */
  gatewayPid: number;
  echoPid: number;
  stop(): Promise<void>;
}

/**
 * A real `easel up` (control plane + gateway process) with an echo service of one instance:
 * "direct" is that instance's own port, "gateway" is /api/predict/echo on the gateway.
 * With --cpu-prof, every easel process writes its V8 profile into <dir>; the gateway's file
 * carries the gateway pid printed on stderr.
 */
async function startBenchStack(cpuProfDir: string | null): Promise<Stack> {
  const env = cpuProfDir === null ? undefined : { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${cpuProfDir}` };
  const stack = await startStack([], env);
  try {
    const created = await stack.api('POST', '/api/v2/services', { name: SERVICE, processor: 'echo' });
    if (created.status !== 200) throw new Error(`create ${SERVICE}: ${JSON.stringify(created.json)}`);
    const token = (created.json as ServiceDescription).AccessToken;
    let instance: InstanceDescription | undefined;
    for (let i = 0; i < 400 && instance === undefined; i++) {
      const d = (await stack.api('GET', `/api/v2/services/${SERVICE}`)).json as ServiceDescription;
      const list = (await stack.api('GET', `/api/v2/services/${SERVICE}/instances`)).json as InstanceDescription[];
      if (d.Status === 'Running' && list[0]?.Ready === true) instance = list[0];
      else await sleep(50);
    }
    if (instance === undefined) throw new Error(`${SERVICE} did not become ready`);
    const gatewayPid = (JSON.parse(await readFile(join(stack.home, 'system', 'gateway.json'), 'utf8')) as { pid: number }).pid;
    process.stderr.write(`gateway pid ${gatewayPid}, instance pid ${instance.Pid}\n`);
    return {
      directUrl: `http://127.0.0.1:${instance.InstancePort}/`,
      gatewayUrl: `${stack.gatewayUrl}/api/predict/${SERVICE}`,
      token,
      gatewayPid,
      echoPid: instance.Pid,
      stop: () => stack.stop(),
    };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}


/**
 * CPU seconds (user + system) a process has used, from /proc (Linux); null elsewhere. Unlike
 * throughput, CPU per request hardly moves when other work shares the machine.
 */
async function cpuSeconds(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks (USER_HZ = 100).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

async function checkWrk(): Promise<void> {
  try {
    await runWrk(['--version']);
  } catch (err) {
    // wrk --version exits 1 after printing its version; only a missing binary is fatal.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      process.stderr.write('bench:gateway needs wrk (https://github.com/wg/wrk); install it with `apt-get install wrk`\n');
      process.exit(2);
    }
  }
}

async function orchestrate(args: Args): Promise<void> {
  await checkWrk();
  const dir = await mkdtemp(join(tmpdir(), 'easel-bench-gateway-'));
  const script = join(dir, 'post.lua');
  const stack = await startBenchStack(args.cpuProf);
  // The same request both ways; the instance host ignores the token the gateway checks.
  await writeFile(script, `wrk.method = "POST"\nwrk.body = '${BODY}'\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "${stack.token}"\n`);
  const log = (s: string): void => void process.stderr.write(`${s}\n`);
  try {
    const wrk = async (url: string, conns: number, threads: number, seconds: number): Promise<WrkResult> => {
      const r = parseWrk(await runWrk([`-t${threads}`, `-c${conns}`, `-d${seconds}s`, '--latency', '-s', script, url]));
      if (r.errors > 0) throw new Error(`wrk saw ${r.errors} errors against ${url}`);
      return r;
    };
    // Warm up both paths (JIT, pools) before measuring.
    await wrk(stack.directUrl, 32, 2, 1);
    await wrk(stack.gatewayUrl, 32, 2, 2);

    const direct: WrkResult[] = [];
    const gateway: WrkResult[] = [];
    let gatewayCpu = 0;
    let echoCpu = 0;
    let cpuKnown = true;
    const measureCpu = async (pid: number, run: () => Promise<WrkResult>): Promise<[WrkResult, number]> => {
      const before = await cpuSeconds(pid);
      const result = await run();
      const after = await cpuSeconds(pid);
      if (before === null || after === null) cpuKnown = false;
      return [result, (after ?? 0) - (before ?? 0)];
    };
    for (let r = 0; r < args.rounds; r++) {
      const [d, dCpu] = await measureCpu(stack.echoPid, () => wrk(stack.directUrl, 32, 2, args.duration));
      const [g, gCpu] = await measureCpu(stack.gatewayPid, () => wrk(stack.gatewayUrl, 32, 2, args.duration));
      direct.push(d);
      gateway.push(g);
      echoCpu += dCpu;
      gatewayCpu += gCpu;
      log(`saturation round ${r + 1}: direct ${direct.at(-1)!.rps.toFixed(0)} rps, gateway ${gateway.at(-1)!.rps.toFixed(0)} rps`);
    }
    const direct1: WrkResult[] = [];
    const gateway1: WrkResult[] = [];
    for (let r = 0; r < args.rounds; r++) {
      direct1.push(await wrk(stack.directUrl, 1, 1, args.duration));
      gateway1.push(await wrk(stack.gatewayUrl, 1, 1, args.duration));
      log(`latency round ${r + 1}: direct p50 ${direct1.at(-1)!.p50Ms} ms p99 ${direct1.at(-1)!.p99Ms} ms, gateway p50 ${gateway1.at(-1)!.p50Ms} ms p99 ${gateway1.at(-1)!.p99Ms} ms`);
    }

    const directRps = median(direct.map((r) => r.rps));
    const gatewayRps = median(gateway.map((r) => r.rps));
    const directP50 = median(direct1.map((r) => r.p50Ms));
    const gatewayP50 = median(gateway1.map((r) => r.p50Ms));
    const directP99 = median(direct1.map((r) => r.p99Ms));
    const gatewayP99 = median(gateway1.map((r) => r.p99Ms));
    const result = {
      bench: 'gateway',
      rounds: args.rounds,
      seconds: args.duration,
      direct_rps: Math.round(directRps),
      gateway_rps: Math.round(gatewayRps),
      ratio: round(gatewayRps / directRps),
      direct_p50_ms: round(directP50),
      gateway_p50_ms: round(gatewayP50),
      added_p50_ms: round(median(gateway1.map((g, i) => g.p50Ms - direct1[i]!.p50Ms))),
      direct_p99_ms: round(directP99),
      gateway_p99_ms: round(gatewayP99),
      added_p99_ms: round(median(gateway1.map((g, i) => g.p99Ms - direct1[i]!.p99Ms))),
      // CPU per request at saturation: the gateway's own cost, and the echo instance's for scale.
      gateway_cpu_us_per_req: cpuKnown ? Math.round((gatewayCpu * 1e6) / gateway.reduce((a, r) => a + r.requests, 0)) : null,
      instance_cpu_us_per_req: cpuKnown ? Math.round((echoCpu * 1e6) / direct.reduce((a, r) => a + r.requests, 0)) : null,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await orchestrate(parseArgs(process.argv.slice(2)));
