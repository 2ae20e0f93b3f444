// Where the CLI writes: results to stdout (tables for people, JSON with --json), progress and
// errors to stderr, so `easel ls --json | jq` never sees a spinner.
import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

export interface OutputStream {
  write(chunk: string | Uint8Array): boolean;
  isTTY?: boolean;
  columns?: number;
  once?(event: 'drain', listener: () => void): unknown;
}

export interface OutputOptions {
  json: boolean;
  stdout?: OutputStream;
  stderr?: OutputStream;
  env?: Readonly<Record<string, string | undefined>>;
}

export class Output {
  readonly json: boolean;
  /** Colours for statuses; plain strings when stdout is not a terminal or NO_COLOR is set. */
  readonly colors: Colors;
  readonly #stdout: OutputStream;
  readonly #stderr: OutputStream;

  constructor(opts: OutputOptions) {
    this.json = opts.json;
    this.#stdout = opts.stdout ?? process.stdout;
    this.#stderr = opts.stderr ?? process.stderr;
    const env = opts.env ?? process.env;
    const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
    this.colors = pc.createColors(this.#stdout.isTTY === true && !noColor);
  }

  get stdoutIsTty(): boolean {
    return this.#stdout.isTTY === true;
  }

  get stderrIsTty(): boolean {
    return this.#stderr.isTTY === true;
  }

  /** The terminal width of stdout, or undefined when it is not a terminal (no wrapping then). */
  get width(): number | undefined {
    return this.#stdout.isTTY === true && typeof this.#stdout.columns === 'number' && this.#stdout.columns > 0 ? this.#stdout.columns : undefined;
  }

  get stderrStream(): OutputStream {
    return this.#stderr;
  }

  /** Writes text to stdout followed by a newline. */
  print(text = ''): void {
    this.#stdout.write(`${text}\n`);
  }

  /** Writes bytes to stdout exactly as given. */
  raw(chunk: string | Uint8Array): void {
    this.#stdout.write(chunk);
  }

  /** Copies a byte stream to stdout, waiting whenever stdout's buffer is full. */
  async pipe(source: AsyncIterable<Uint8Array>): Promise<void> {
    const out = this.#stdout;
    for await (const chunk of source) {
      if (!out.write(chunk) && out.once !== undefined) {
        const once = out.once.bind(out);
        await new Promise<void>((resolve) => once('drain', resolve));
      }
    }
  }

  printJson(value: unknown): void {
    this.#stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Writes a line to stderr: progress and notes that are not the command's result. */
  note(text: string): void {
    this.#stderr.write(`${text}\n`);
  }
}
