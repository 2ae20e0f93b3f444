// `easel version <svc> [<n>]`: list a service's versions, or switch to one and wait for the
// rollout.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { action, type CliContext } from '../context.js';
import { versionTable } from '../views/service-views.js';
import { addWaitOptions, examples, noteIfStopped, printAccepted, printSettled, settle, type WaitFlags } from './settle.js';

function parseVersion(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a version number (1, 2, ...)');
  return n;
}

async function version(ctx: CliContext, name: string, target: number | undefined, flags: WaitFlags): Promise<void> {
  const client = ctx.client();
  if (target === undefined) {
    const versions = await client.listVersions(name);
    if (ctx.json) return ctx.out.printJson(versions);
    ctx.out.print(versionTable(versions));
    return;
  }
  const before = await client.describeService(name);
  const after = await client.switchVersion(name, target);
  if (before.CurrentVersion === target) {
    if (ctx.json) ctx.out.printJson(after);
    else ctx.out.print(`service "${name}" already runs version ${target}`);
    return;
  }
  if (!flags.wait) return printAccepted(ctx, after, `is switching to version ${target}`);
  if (noteIfStopped(ctx, after)) return;
  printSettled(ctx, await settle(ctx, name, 'running', flags, `switching service "${name}" from version ${before.CurrentVersion} to ${target}`));
}

export function registerVersion(program: Command): void {
  const command = program
    .command('version')
    .helpGroup('Services:')
    .summary("list a service's versions, or switch to one")
    .description("Without a version number, list the service's versions (* marks the current one). With one, roll the service out to that version and wait until it runs.")
    .argument('<service>', 'the service')
    .argument('[version]', 'the version to switch to', parseVersion)
    .addHelpText('after', examples('easel version echo', 'easel version echo 1'));
  addWaitOptions(command, 'the version is rolled out').action(action(version));
}
