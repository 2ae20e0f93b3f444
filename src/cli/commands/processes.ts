// Commands that run easel's own processes: `up` (control plane + gateway), `gateway` and
// `instance`. Their code is imported only when they run, so `easel instance` (started for
// every instance) never loads the control plane's server or the CLI's HTTP client.
import type { Command } from 'commander';
import { parseBytes, parsePort } from '../arguments.js';
import { normalizeUrl, processInputs, resolveConnection, resolveHome } from '../connection.js';
import type { GlobalOptions } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { examples } from './settle.js';

interface UpFlags {
  host: string;
  port: number;
  gatewayPort: number;
  demo?: boolean;
}

interface GatewayFlags {
  controlPlane?: string;
  token?: string;
  host: string;
  port: number;
  stateFile?: string;
  maxBodySize?: number;
}

async function up(flags: UpFlags, command: Command): Promise<void> {
  const globals = command.optsWithGlobals<GlobalOptions>();
  const home = resolveHome(globals.home, process.env, process.cwd());
  const { runUp } = await import('../../controlplane/up.js');
  await runUp({ home, host: flags.host, port: flags.port, gatewayPort: flags.gatewayPort, demo: flags.demo === true });
}

async function gateway(flags: GatewayFlags, command: Command): Promise<void> {
  const globals = command.optsWithGlobals<GlobalOptions>();
  if (flags.controlPlane !== undefined && normalizeUrl(flags.controlPlane) === undefined) {
    throw new UsageError(`--control-plane must be an http(s) URL such as http://127.0.0.1:8081, got ${JSON.stringify(flags.controlPlane)}`);
  }
  // The same rules as every other command, with --control-plane and --token taking precedence.
  const conn = resolveConnection(processInputs({ endpoint: flags.controlPlane ?? globals.endpoint, home: globals.home }));
  const token = flags.token ?? conn.token;
  if (token === undefined) {
    throw new CliError('the gateway needs the admin token to watch the control plane', {
      hint: `pass --token, set $EASEL_TOKEN, or pass --home <dir> of the control plane (its token is in <dir>/admin.token)`,
    });
  }
  const { runGatewayCommand } = await import('../../gateway/index.js');
  await runGatewayCommand({
    controlPlane: conn.endpoint,
    token,
    host: flags.host,
    port: flags.port,
    ...(flags.stateFile === undefined ? {} : { stateFile: flags.stateFile }),
    ...(flags.maxBodySize === undefined ? {} : { maxBodyBytes: flags.maxBodySize }),
  });
}

async function instance(flags: { config: string }): Promise<void> {
  const { runInstanceCommand } = await import('../../instance/index.js');
  await runInstanceCommand({ config: flags.config });
}

export function registerProcesses(program: Command): void {
  program
    .command('up')
    .helpGroup('Processes:')
    .summary('run the control plane and a gateway')
    .description('Run the control plane and a gateway in the foreground, with their state in the home folder. Ctrl-C stops them and the instances gracefully; after a crash or kill -9, the next `easel up` with the same home adopts the instances and the gateway that kept running.')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'control plane port', parsePort, 8081)
    .option('--gateway-port <port>', 'gateway port', parsePort, 8080)
    .option('--demo', 'also deploy the example services')
    .addHelpText('after', examples('easel up', 'easel up --home /var/lib/easel --port 9081 --gateway-port 9080'))
    .action(up);

  program
    .command('gateway')
    .helpGroup('Processes:')
    .summary('run a gateway')
    .description("Run a gateway: it watches a control plane's routing table and forwards calls to the instances.")
    .option('--control-plane <url>', 'the control plane to watch (default: --endpoint, $EASEL_ENDPOINT, the running one, else http://127.0.0.1:8081)')
    .option('--token <token>', 'the admin token (default: $EASEL_TOKEN, else <home>/admin.token)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, 8080)
    .option('--state-file <file>', 'write {pid, host, port, ...} here once listening')
    .option('--max-body-size <bytes>', 'largest request body accepted (default 64 MiB)', parseBytes)
    .addHelpText('after', examples('easel gateway --control-plane http://127.0.0.1:8081 --port 8080'))
    .action(gateway);

  program
    .command('instance')
    .helpGroup('Processes:')
    .summary('run one instance (the runtime starts it)')
    .description('Run one instance of a processor service. The runtime starts this for every instance; it is not meant to be run by hand.')
    .requiredOption('--config <file>', 'the instance.json the runtime wrote')
    .addHelpText('after', examples('easel instance --config .easel/instances/echo-v1-x7k2p/instance.json'))
    .action(instance);
}
