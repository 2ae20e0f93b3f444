// Entry point of the `easel` command (bin/easel.js). Exit codes: 0 ok, 1 failure, 2 usage error.
import module from 'node:module';
import { CommanderError } from 'commander';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, renderError } from './errors.js';
import { createProgram } from './program.js';

/** Reports an error on stderr and returns the exit code for it. */
export function report(err: unknown, write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): number {
  if (err instanceof CommanderError) {
    // Commander has printed its own message (help, version, or what was wrong with the usage).
    return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (err instanceof CliError) {
    for (const line of renderError(err)) write(line);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  write(`error: ${message}`);
  if (process.env.EASEL_DEBUG !== undefined && err instanceof Error && err.stack !== undefined) write(err.stack);
  return EXIT_FAILURE;
}

export async function main(argv: string[]): Promise<void> {
  // Node 22+ keeps compiled code between runs: every command starts faster from the second run.
  (module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  // `easel logs web | head` closes stdout early: stop quietly instead of failing on EPIPE.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? EXIT_OK);
  });
  try {
    await createProgram().parseAsync(argv);
  } catch (err) {
    process.exitCode = report(err);
  }
}
