// `easel create <file>`: deploy a service from a spec file and wait until it runs.
import type { Command } from 'commander';
import { action, type CliContext } from '../context.js';
import { declaredName, readSpecFile } from '../spec-file.js';
import { serviceSummary } from '../views/service-views.js';
import { addWaitOptions, examples, printAccepted, printSettled, settle, type WaitFlags } from './settle.js';

async function create(ctx: CliContext, file: string, flags: WaitFlags): Promise<void> {
  const { spec } = await readSpecFile(file);
  const created = await ctx.client().createService(spec, declaredName(spec));
  const name = created.ServiceName;
  if (!flags.wait) return printAccepted(ctx, created, 'created');
  const running = await settle(ctx, name, 'running', flags, `creating service "${name}"`);
  if (ctx.json) return printSettled(ctx, running);
  if (running !== null) ctx.out.print(serviceSummary(running, process.env.EASEL_GATEWAY));
}

export function registerCreate(program: Command): void {
  const command = program
    .command('create')
    .helpGroup('Services:')
    .summary('deploy a service from a spec file')
    .description(
      'Deploy a service from a JSON spec file and wait until it runs.\n\n' +
        "Relative paths in model_path, processor_path and containers[].working_dir are resolved against the spec file's folder; a container without working_dir runs in that folder.",
    )
    .argument('<file>', 'the service spec (JSON)')
    .addHelpText('after', examples('easel create examples/scorer.json', 'easel create echo.json --no-wait --json'));
  addWaitOptions(command, 'the service runs').action(action(create));
}
