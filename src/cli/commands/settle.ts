// The waiting half of commands that change a service: `--no-wait`, `--timeout`, the progress
// display and what is printed once the change is accepted or done.
import type { Command } from 'commander';
import type { ServiceDescription } from '../../contract/api.js';
import { parseSeconds } from '../arguments.js';
import type { CliContext } from '../context.js';
import { createReporter } from '../progress.js';
import { waitFor, type Goal } from '../wait.js';

export const DEFAULT_TIMEOUT_SECONDS = 300;

export interface WaitFlags {
  wait: boolean;
  timeout: number;
}

export function addWaitOptions(command: Command, until: string): Command {
  return command
    .option('--no-wait', `return once the control plane accepted the change, without waiting until ${until}`)
    .option('--timeout <seconds>', 'how long to wait before giving up (exit code 1)', parseSeconds, DEFAULT_TIMEOUT_SECONDS);
}

/** Waits with a spinner (or progress lines) until the service reaches the goal. */
export async function settle(ctx: CliContext, name: string, goal: Goal, flags: WaitFlags, initial: string): Promise<ServiceDescription | null> {
  const reporter = await createReporter(ctx.out.stderrStream, initial);
  return waitFor(ctx.client(), name, { goal, timeoutMs: flags.timeout * 1000, reporter });
}

/** After `--no-wait`: the description for scripts, one line for people. */
export function printAccepted(ctx: CliContext, service: ServiceDescription, what: string): void {
  if (ctx.json) ctx.out.printJson(service);
  else ctx.out.print(`service "${service.ServiceName}" ${what} (status ${service.Status}); follow it with \`easel desc ${service.ServiceName}\``);
}

/**
 * A stopped service takes changes without running them: there is nothing to wait for until
 * `easel start`. Returns true when it said so.
 */
export function noteIfStopped(ctx: CliContext, service: ServiceDescription): boolean {
  if (service.Status !== 'Stopped' && service.Status !== 'Stopping') return false;
  if (ctx.json) ctx.out.printJson(service);
  else ctx.out.print(`service "${service.ServiceName}" is stopped: the change applies when it starts (\`easel start ${service.ServiceName}\`)`);
  return true;
}

/** After waiting: the final description for scripts; people already saw the outcome on stderr. */
export function printSettled(ctx: CliContext, service: ServiceDescription | null): void {
  if (ctx.json && service !== null) ctx.out.printJson(service);
}

/** Example lines for `--help`. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}
