// Read-only commands: `ls`, `desc`, `w`, `events`.
import type { Command } from 'commander';
import { parsePositiveCount } from '../arguments.js';
import { action, type CliContext } from '../context.js';
import { eventTable, instanceTable } from '../views/instance-views.js';
import { serviceDetails, serviceTable } from '../views/service-views.js';
import { examples } from './settle.js';

async function list(ctx: CliContext): Promise<void> {
  const services = await ctx.client().listServices();
  if (ctx.json) return ctx.out.printJson(services);
  if (services.Services.length === 0) return ctx.out.print('no services yet: deploy one with `easel create <file>`');
  ctx.out.print(serviceTable(services, ctx.out.colors));
}

async function describe(ctx: CliContext, name: string): Promise<void> {
  const service = await ctx.client().describeService(name);
  if (ctx.json) return ctx.out.printJson(service);
  ctx.out.print(serviceDetails(service, ctx.out.colors));
}

async function workers(ctx: CliContext, name: string): Promise<void> {
  const instances = await ctx.client().listInstances(name);
  if (ctx.json) return ctx.out.printJson(instances);
  if (instances.length === 0) return ctx.out.print(`service "${name}" has no instances`);
  ctx.out.print(instanceTable(instances, ctx.out.colors, Date.now()));
}

async function events(ctx: CliContext, name: string, flags: { limit?: number }): Promise<void> {
  const list = await ctx.client().listEvents(name, { limit: flags.limit });
  if (ctx.json) return ctx.out.printJson(list);
  if (list.length === 0) return ctx.out.print(`service "${name}" has no events`);
  ctx.out.print(eventTable(list, ctx.out.colors, ctx.out.width));
}

export function registerInspect(program: Command): void {
  program
    .command('ls')
    .alias('list')
    .helpGroup('Services:')
    .summary('list services')
    .description('List services: instances running/desired, version current/latest, status, times and path.')
    .addHelpText('after', examples('easel ls', 'easel ls --json'))
    .action(action(list));

  program
    .command('desc')
    .alias('describe')
    .helpGroup('Services:')
    .summary('show a service')
    .description('Show a service: status and why, instances, versions, token, endpoint, and its spec.')
    .argument('<service>', 'the service to show')
    .addHelpText('after', examples('easel desc echo', 'easel desc echo --json'))
    .action(action(describe));

  program
    .command('w')
    .alias('showworkers')
    .helpGroup('Instances:')
    .summary("list a service's instances")
    .description("List a service's instances: address, pid, version, status, readiness, restarts, why the process last ended, CPU, memory and age.")
    .argument('<service>', 'the service whose instances to list')
    .addHelpText('after', examples('easel w echo'))
    .action(action(workers));

  program
    .command('events')
    .helpGroup('Instances:')
    .summary("show a service's events")
    .description("Show a service's latest events, oldest first: status changes, instances created, crashed, restarted.")
    .argument('<service>', 'the service whose events to show')
    .option('--limit <n>', 'how many of the latest events to show (default 100)', parsePositiveCount)
    .addHelpText('after', examples('easel events echo', 'easel events echo --limit 20'))
    .action(action(events));
}
