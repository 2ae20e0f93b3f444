// Bytes in, complete lines out (UTF-8, "\n" or "\r\n" endings, no terminator in the result).
import { StringDecoder } from 'node:string_decoder';

export class LineSplitter {
  readonly #decoder = new StringDecoder('utf8');
  #partial = '';

  push(chunk: Buffer): string[] {
    const text = this.#partial + this.#decoder.write(chunk);
    const parts = text.split('\n');
    this.#partial = parts.pop() ?? '';
    return parts.map(stripCr);
  }

  /** The unterminated last line, if any; the splitter is empty afterwards. */
  flush(): string | null {
    const rest = this.#partial + this.#decoder.end();
    this.#partial = '';
    return rest === '' ? null : stripCr(rest);
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
