// warm_up_data_path: requests sent through the processor before the instance reports ready,
// so the first real caller does not pay for lazy initialisation (JIT, allocations, caches).
// The file holds a JSON array of request bodies or JSON Lines, one body per line; an object
// or array body is sent as JSON, a string as it is.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ProcessorStartError, type ProcessorOutcome, type ProcessorRunner, type RunnerLogger } from '../processors/index.js';

const WARM_UP_TIMEOUT_MS = 60_000;

/** The request bodies a warm-up file holds. Throws an Error naming the line that is not JSON. */
export function warmUpBodies(text: string): Buffer[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const toBody = (v: unknown): Buffer => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
  if (trimmed.startsWith('[')) {
    try {
      const all: unknown = JSON.parse(trimmed);
      if (Array.isArray(all)) return all.map(toBody);
    } catch {
      // Not one JSON array: maybe JSON Lines whose first request is an array.
    }
  }
  const out: Buffer[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    try {
      out.push(toBody(JSON.parse(line)));
    } catch (e) {
      throw new Error(`line ${i + 1} is not JSON (${e instanceof Error ? e.message : String(e)}); expected a JSON array of requests or one JSON request per line`);
    }
  }
  return out;
}

function once(runner: ProcessorRunner, id: number, body: Buffer): Promise<ProcessorOutcome> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, error: 'failed', reason: `no answer within ${WARM_UP_TIMEOUT_MS} ms` }), WARM_UP_TIMEOUT_MS);
    runner.submit({
      id,
      body,
      request: { method: 'POST', path: '/', query: '', headers: { 'content-type': 'application/json' } },
      settle: (outcome) => {
        clearTimeout(timer);
        resolve(outcome);
      },
    });
  });
}

/** Runs every warm-up request in turn; one that does not succeed fails the start, naming it. */
export async function runWarmUp(runner: ProcessorRunner, pathOrUrl: string, logger: RunnerLogger): Promise<void> {
  const file = pathOrUrl.startsWith('file://') ? fileURLToPath(pathOrUrl) : pathOrUrl;
  let bodies: Buffer[];
  try {
    bodies = warmUpBodies(await readFile(file, 'utf8'));
  } catch (e) {
    throw ProcessorStartError.initialize(`warm_up_data_path ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const started = performance.now();
  for (let i = 0; i < bodies.length; i++) {
    const outcome = await once(runner, -(i + 1), bodies[i] ?? Buffer.alloc(0));
    if (!outcome.ok) throw ProcessorStartError.initialize(`warm-up request ${i + 1} of ${file} failed: ${outcome.reason}`);
    if (outcome.status >= 300) {
      const text = outcome.body.toString('utf8').slice(0, 500);
      throw ProcessorStartError.initialize(`warm-up request ${i + 1} of ${file} got HTTP ${outcome.status}: ${text}`);
    }
  }
  logger.info({ requests: bodies.length, ms: Math.round(performance.now() - started) }, 'warm-up done');
}
