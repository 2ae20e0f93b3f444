// Progress while a command waits: a spinner on a terminal, one line per change elsewhere (CI
// logs, pipes), both on stderr so that stdout carries only the result.
import type { Ora } from 'ora';
import { truncate } from './format.js';
import type { OutputStream } from './output.js';

export interface Reporter {
  /** The current state; shown when it differs from the last one. */
  update(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
  /** Ends the display if neither succeed nor fail did (e.g. the wait threw). */
  stop(): void;
}

/** One line per change of state: readable in a log file, nothing repeated. */
export class LineReporter implements Reporter {
  readonly #stream: OutputStream;
  #last = '';

  constructor(stream: OutputStream) {
    this.#stream = stream;
  }

  update(text: string): void {
    if (text === this.#last) return;
    this.#last = text;
    this.#stream.write(`${text}\n`);
  }

  succeed(text: string): void {
    this.#stream.write(`${text}\n`);
  }

  fail(_text: string): void {
    // The error that follows says what failed; repeating it here would only add noise.
  }

  stop(): void {
    // nothing is left on screen to clean up
  }
}

class SpinnerReporter implements Reporter {
  readonly #spinner: Ora;
  readonly #stream: OutputStream;

  constructor(spinner: Ora, stream: OutputStream) {
    this.#spinner = spinner;
    this.#stream = stream;
  }

  update(text: string): void {
    // A line longer than the terminal would wrap and break the spinner's redraw.
    this.#spinner.text = truncate(text, Math.max(20, (this.#stream.columns ?? 80) - 3));
  }

  succeed(text: string): void {
    this.#spinner.succeed(text);
  }

  fail(text: string): void {
    this.#spinner.fail(text);
  }

  stop(): void {
    if (this.#spinner.isSpinning) this.#spinner.stop();
  }
}

/** A spinner when `stream` is a terminal, lines otherwise. */
export async function createReporter(stream: OutputStream, initial: string): Promise<Reporter> {
  // A terminal that reports no width (some pseudo-terminals) cannot redraw a spinner line.
  const redrawable = stream.isTTY === true && typeof stream.columns === 'number' && stream.columns > 0;
  if (!redrawable) {
    const reporter = new LineReporter(stream);
    reporter.update(initial);
    return reporter;
  }
  const { default: ora } = await import('ora');
  const spinner = ora({ text: initial, stream: stream as NodeJS.WritableStream, discardStdin: false }).start();
  return new SpinnerReporter(spinner, stream);
}
