// Commands about instances: `dw` (replace instances) and `logs`.
import type { Command } from 'commander';
import type { InstanceDescription } from '../../contract/api.js';
import { parseCount, splitList } from '../arguments.js';
import { action, type CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { examples } from './settle.js';

async function deleteWorkers(ctx: CliContext, name: string, instances: string[]): Promise<void> {
  const names = splitList(instances);
  if (names.length === 0) throw new UsageError('name at least one instance', { hint: `list them with \`easel w ${name}\`` });
  const client = ctx.client();
  const results: InstanceDescription[] = [];
  for (const instance of names) {
    results.push(await client.restartInstance(name, instance));
    if (!ctx.json) ctx.out.print(`instance ${instance} is stopping; a new instance replaces it`);
  }
  if (ctx.json) ctx.out.printJson(results);
}

interface LogFlags {
  follow?: boolean;
  instance?: string;
  tail?: number;
}

async function logs(ctx: CliContext, name: string, flags: LogFlags): Promise<void> {
  const abort = new AbortController();
  // Ctrl-C ends a follow cleanly: the stream closes and the command exits 0.
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  try {
    const body = await ctx.client().logs(name, { instance: flags.instance, tail: flags.tail, follow: flags.follow, signal: abort.signal });
    await ctx.out.pipe(body);
  } catch (err) {
    if (!abort.signal.aborted) throw err;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

export function registerInstances(program: Command): void {
  program
    .command('dw')
    .alias('deleteworkers')
    .helpGroup('Instances:')
    .summary('replace instances of a service')
    .description('Delete instances of a service, e.g. one that misbehaves: each stops gracefully (in-flight requests finish) and a new instance replaces it.')
    .argument('<service>', 'the service')
    .argument('<instances...>', 'instance names, separated by commas or spaces')
    .addHelpText('after', examples('easel dw echo echo-v1-x7k2p', 'easel dw echo echo-v1-x7k2p,echo-v1-b9q4m'))
    .action(action(deleteWorkers));

  program
    .command('logs')
    .helpGroup('Instances:')
    .summary("print the output of a service's instances")
    .description("Print the output (stdout and stderr) of a service's instances, each line prefixed by its instance unless --instance names one.")
    .argument('<service>', 'the service')
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .option('--instance <name>', 'only this instance')
    .option('--tail <n>', 'start with the last n lines (default 500)', parseCount)
    .addHelpText('after', examples('easel logs echo --tail 50', 'easel logs echo -f --instance echo-v1-x7k2p'))
    .action(action(logs));
}
