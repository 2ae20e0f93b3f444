// `easel modify <svc> -D key=value ... | -s <file>`: change a running service. A change of
// metadata.instance alone scales in place; any other change makes a new version rolled out
// instance by instance.
import type { Command } from 'commander';
import { collect } from '../arguments.js';
import { action, type CliContext } from '../context.js';
import { parseDefines } from '../defines.js';
import { UsageError } from '../errors.js';
import { readSpecFile, resolveSpecPaths, type JsonObject } from '../spec-file.js';
import { addWaitOptions, examples, noteIfStopped, printAccepted, printSettled, settle, type WaitFlags } from './settle.js';

interface ModifyFlags extends WaitFlags {
  define?: string[];
  spec?: string;
}

async function buildPatch(flags: ModifyFlags): Promise<JsonObject> {
  const defines = flags.define ?? [];
  const hasDefines = defines.length > 0;
  if (hasDefines === (flags.spec !== undefined)) {
    throw new UsageError(hasDefines ? 'give either -D key=value or -s <file>, not both' : 'nothing to change: give -D key=value (repeatable) or -s <file>', {
      hint: 'e.g. `easel modify echo -D metadata.instance=3` or `easel modify echo -s echo-v2.json`',
    });
  }
  if (flags.spec !== undefined) return (await readSpecFile(flags.spec)).spec;
  // Paths given on the command line are relative to where the command runs.
  return resolveSpecPaths(parseDefines(defines), process.cwd());
}

async function modify(ctx: CliContext, name: string, flags: ModifyFlags): Promise<void> {
  const patch = await buildPatch(flags);
  const client = ctx.client();
  const before = await client.describeService(name);
  const after = await client.modifyService(name, patch);
  const newVersion = after.LatestVersion !== before.LatestVersion;
  const rescaled = after.DesiredInstance !== before.DesiredInstance;
  if (!newVersion && !rescaled && after.UpdateTime === before.UpdateTime) {
    if (ctx.json) ctx.out.printJson(after);
    else ctx.out.print(`service "${name}" already matches: nothing changed`);
    return;
  }
  const change = newVersion
    ? `rolling out version ${after.LatestVersion} of service "${name}"`
    : rescaled
      ? `scaling service "${name}" from ${before.DesiredInstance} to ${after.DesiredInstance} instance(s)`
      : `updating service "${name}"`;
  if (!flags.wait) return printAccepted(ctx, after, newVersion ? `is rolling out version ${after.LatestVersion}` : 'modified');
  if (noteIfStopped(ctx, after)) return;
  printSettled(ctx, await settle(ctx, name, 'running', flags, change));
}

export function registerModify(program: Command): void {
  const command = program
    .command('modify')
    .helpGroup('Services:')
    .summary('change a service: scale it or roll out a new version')
    .description(
      'Change a service with a JSON merge patch and wait until the change is rolled out.\n\n' +
        '-D sets one field by its dotted path. A value that parses as JSON (number, true, false, null, object, array) is taken as JSON, anything else as a string; null removes the field. ' +
        '-s reads a (partial) spec file; its relative paths are resolved like those of `easel create`.\n\n' +
        'Changing only metadata.instance scales in place; any other change creates a new version and rolls it out instance by instance.',
    )
    .argument('<service>', 'the service to change')
    .option('-D, --define <key=value>', 'set a field by its dotted path (repeatable)', collect)
    .option('-s, --spec <file>', 'a (partial) spec file to merge into the service')
    .addHelpText(
      'after',
      examples('easel modify echo -D metadata.instance=3', 'easel modify echo -D metadata.rpc.keepalive=8000 -D metadata.rpc.worker_threads=8', 'easel modify scorer -s scorer-v2.json'),
    );
  addWaitOptions(command, 'the change is rolled out').action(action(modify));
}
