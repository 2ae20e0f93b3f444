// Commands that start, stop and delete services: `start`, `stop`, `delete`.
import type { Command } from 'commander';
import { confirm } from '../confirm.js';
import { action, type CliContext } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { addWaitOptions, examples, printAccepted, printSettled, settle, type WaitFlags } from './settle.js';

async function start(ctx: CliContext, name: string, flags: WaitFlags): Promise<void> {
  const service = await ctx.client().startService(name);
  if (!flags.wait) return printAccepted(ctx, service, 'is starting');
  printSettled(ctx, await settle(ctx, name, 'running', flags, `starting service "${name}"`));
}

async function stop(ctx: CliContext, name: string, flags: WaitFlags): Promise<void> {
  const service = await ctx.client().stopService(name);
  if (!flags.wait) return printAccepted(ctx, service, 'is stopping');
  printSettled(ctx, await settle(ctx, name, 'stopped', flags, `stopping service "${name}"`));
}

async function remove(ctx: CliContext, name: string, flags: WaitFlags & { yes?: boolean }): Promise<void> {
  if (flags.yes !== true) {
    if (process.stdin.isTTY !== true || !ctx.out.stderrIsTty) throw new UsageError('pass -y to delete without asking', { hint: `easel delete ${name} -y` });
    if (!(await confirm(`Delete service "${name}" and stop its instances?`))) throw new CliError('not deleted');
  }
  const deleting = await ctx.client().deleteService(name);
  if (!flags.wait) return printAccepted(ctx, deleting, 'is being deleted');
  await settle(ctx, name, 'gone', flags, `deleting service "${name}"`);
  if (ctx.json) ctx.out.printJson(deleting);
}

export function registerLifecycle(program: Command): void {
  const startCommand = program
    .command('start')
    .helpGroup('Services:')
    .summary('start a stopped service')
    .description('Start a stopped service and wait until it runs.')
    .argument('<service>', 'the service to start')
    .addHelpText('after', examples('easel start echo'));
  addWaitOptions(startCommand, 'the service runs').action(action(start));

  const stopCommand = program
    .command('stop')
    .helpGroup('Services:')
    .summary('stop every instance of a service')
    .description('Stop every instance of a service and wait until they are gone. The service keeps its spec, versions and token; `easel start` runs it again.')
    .argument('<service>', 'the service to stop')
    .addHelpText('after', examples('easel stop echo'));
  addWaitOptions(stopCommand, 'every instance stopped').action(action(stop));

  const deleteCommand = program
    .command('delete')
    .alias('rm')
    .helpGroup('Services:')
    .summary('delete a service')
    .description('Delete a service: stop its instances and forget its versions and token. Asks first on a terminal; elsewhere -y is required.')
    .argument('<service>', 'the service to delete')
    .option('-y, --yes', 'delete without asking (needed when not on a terminal)')
    .addHelpText('after', examples('easel delete echo', 'easel delete echo -y --no-wait'));
  addWaitOptions(deleteCommand, 'the service is gone').action(action(remove));
}
