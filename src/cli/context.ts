// What every command needs: the global options, the output, and a client for the control
// plane, made only when the command calls it.
import type { Command } from 'commander';
import { ControlPlaneClient } from './client.js';
import { processInputs, resolveConnection, type Connection } from './connection.js';
import { Output } from './output.js';

export interface GlobalOptions {
  endpoint?: string;
  home?: string;
  json?: boolean;
}

export class CliContext {
  readonly out: Output;
  readonly globals: GlobalOptions;
  #connection: Connection | undefined;
  #client: ControlPlaneClient | undefined;

  constructor(globals: GlobalOptions, out = new Output({ json: globals.json === true })) {
    this.globals = globals;
    this.out = out;
  }

  get json(): boolean {
    return this.out.json;
  }

  connection(): Connection {
    this.#connection ??= resolveConnection(processInputs({ endpoint: this.globals.endpoint, home: this.globals.home }));
    return this.#connection;
  }

  client(): ControlPlaneClient {
    this.#client ??= new ControlPlaneClient(this.connection());
    return this.#client;
  }

  async dispose(): Promise<void> {
    await this.#client?.close();
  }
}

/**
 * Wraps a command's action: builds the context from the global options and always releases it.
 * Commander passes the positional arguments, then the options, then the command itself.
 */
export function action<A extends unknown[]>(run: (ctx: CliContext, ...args: A) => Promise<void>): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const ctx = new CliContext(command.optsWithGlobals<GlobalOptions>());
    try {
      await run(ctx, ...(args.slice(0, -1) as A));
    } finally {
      await ctx.dispose();
    }
  };
}
