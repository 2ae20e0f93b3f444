// `easel predict <svc> -d <data|@file>`: call a service through the gateway with its token, as
// a client would, and print the response body as it is.
import { readFile } from 'node:fs/promises';
import { buffer } from 'node:stream/consumers';
import type { Command } from 'commander';
import type { Dispatcher } from 'undici';
import { action, type CliContext } from '../context.js';
import { normalizeUrl } from '../connection.js';
import { ApiError, CliError, parseErrorBody, UsageError } from '../errors.js';
import { loadUndici, networkFailure } from '../http.js';
import { serviceUrl } from '../views/service-views.js';
import { examples } from './settle.js';

interface PredictFlags {
  data: string;
  path?: string;
  contentType?: string;
  gateway?: string;
}

/** `-d @file` reads a file, `-d @-` standard input, anything else is the body itself. */
export async function readData(arg: string): Promise<Buffer> {
  if (!arg.startsWith('@')) return Buffer.from(arg, 'utf8');
  const file = arg.slice(1);
  if (file === '-') return buffer(process.stdin);
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

/** JSON bodies are labelled as JSON; anything else goes as bytes. */
export function guessContentType(body: Buffer): string {
  try {
    JSON.parse(body.toString('utf8'));
    return 'application/json';
  } catch {
    return 'application/octet-stream';
  }
}

function targetUrl(base: string, subPath: string | undefined): string {
  const rest = (subPath ?? '').replace(/^\/+/, '');
  return rest === '' ? base : `${base}/${rest}`;
}

/** --gateway, else $EASEL_GATEWAY; either must be an http(s) URL. */
function gatewayOverride(flag: string | undefined): string | undefined {
  const given = flag ?? process.env.EASEL_GATEWAY;
  if (given === undefined || given === '') return undefined;
  const url = normalizeUrl(given);
  if (url === undefined) {
    throw new UsageError(`${flag !== undefined ? '--gateway' : '$EASEL_GATEWAY'} must be an http(s) URL such as http://127.0.0.1:8080, got ${JSON.stringify(given)}`);
  }
  return url;
}

async function predict(ctx: CliContext, name: string, flags: PredictFlags): Promise<void> {
  const gateway = gatewayOverride(flags.gateway);
  const service = await ctx.client().describeService(name);
  const base = serviceUrl(service, gateway);
  if (base === undefined) {
    throw new CliError(`no gateway address is known for service "${name}"`, {
      hint: 'pass --gateway <url> or set $EASEL_GATEWAY (`easel up` runs one on http://127.0.0.1:8080)',
    });
  }
  const url = targetUrl(base, flags.path);
  const body = await readData(flags.data);
  const headers: Record<string, string> = { 'content-type': flags.contentType ?? guessContentType(body) };
  if (service.AccessToken !== '') headers.authorization = service.AccessToken;

  const undici = await loadUndici();
  const agent = new undici.Agent({ connect: { timeout: 10_000 } });
  try {
    await call(ctx, name, url, { headers, body, dispatcher: agent });
  } finally {
    await agent.close();
  }
}

async function call(ctx: CliContext, name: string, url: string, opts: { headers: Record<string, string>; body: Buffer; dispatcher: Dispatcher }): Promise<void> {
  const undici = await loadUndici();
  let res: Dispatcher.ResponseData;
  try {
    res = await undici.request(url, { method: 'POST', ...opts });
  } catch (err) {
    const failure = networkFailure(err);
    throw new CliError(`cannot reach the gateway at ${new URL(url).origin}: ${failure?.reason ?? (err as Error).message}`, {
      hint: 'is the gateway running? `easel up` starts one; --gateway <url> chooses another',
    });
  }
  if (res.statusCode >= 200 && res.statusCode < 300) {
    let lastByte: number | undefined;
    const body = res.body as AsyncIterable<Buffer>;
    await ctx.out.pipe(
      (async function* () {
        for await (const chunk of body) {
          if (chunk.length > 0) lastByte = chunk[chunk.length - 1];
          yield chunk;
        }
      })(),
    );
    // On a terminal, keep the prompt off the end of a body that has no final newline.
    if (ctx.out.stdoutIsTty && lastByte !== undefined && lastByte !== 0x0a) ctx.out.raw('\n');
    return;
  }
  const answer = await res.body.text();
  const error = parseErrorBody(answer);
  if (error !== undefined) throw new ApiError(res.statusCode, error, { service: name });
  const snippet = answer.trim().slice(0, 2000);
  throw new CliError(`service "${name}" answered HTTP ${res.statusCode}${snippet === '' ? '' : `: ${snippet}`}`);
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .helpGroup('Services:')
    .summary('call a service through the gateway')
    .description("Call a service through the gateway with the service's token, as a client would, and print the response body as it is. A non-2xx answer prints its error and exits 1.")
    .argument('<service>', 'the service to call')
    .requiredOption('-d, --data <data|@file>', 'the request body: text, @file for a file, @- for standard input')
    .option('--path <sub/path>', 'call /api/predict/<service>/<sub/path>')
    .option('--content-type <type>', 'the body\'s Content-Type (default: application/json when the body is JSON, else application/octet-stream)')
    .option('--gateway <url>', "the gateway to call (default: $EASEL_GATEWAY, else the service's endpoint)")
    .addHelpText('after', examples(`easel predict echo -d '{"x": 1}'`, 'easel predict scorer -d @request.json', 'cat image.jpg | easel predict classifier -d @- --content-type image/jpeg'))
    .action(action(predict));
}
