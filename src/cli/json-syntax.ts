// Finds where and why a JSON text is malformed. JSON.parse's messages differ between Node
// versions and often omit the position; people editing a spec file need line, column and a
// plain reason ("trailing commas are not allowed"), so the CLI scans the text itself when
// JSON.parse fails.

export interface JsonSyntaxProblem {
  /** 1-based line and column of the offending character. */
  line: number;
  column: number;
  message: string;
  /** The text of the offending line, for showing with a caret. */
  sourceLine: string;
}

class Stop extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

function describeChar(ch: string): string {
  if (ch === '\n') return 'a line break';
  if (ch === '\t') return 'a tab';
  const code = ch.charCodeAt(0);
  return code < 0x20 ? `control character U+${code.toString(16).padStart(4, '0')}` : `"${ch}"`;
}

class Scanner {
  #i = 0;
  constructor(readonly text: string) {}

  scan(): void {
    this.#skipSpace();
    this.#value();
    this.#skipSpace();
    if (this.#i < this.text.length) throw new Stop(this.#i, `unexpected ${describeChar(this.#peek())} after the end of the JSON value`);
  }

  #peek(): string {
    return this.text[this.#i] ?? '';
  }

  #eof(what: string): Stop {
    return new Stop(this.text.length, `unexpected end of file: expected ${what}`);
  }

  #skipSpace(): void {
    for (;;) {
      const ch = this.#peek();
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') this.#i++;
      else if (ch === '/' && (this.text[this.#i + 1] === '/' || this.text[this.#i + 1] === '*')) throw new Stop(this.#i, 'comments are not allowed in JSON');
      else return;
    }
  }

  #value(): void {
    const ch = this.#peek();
    if (ch === '') throw this.#eof('a value');
    if (ch === '{') return this.#object();
    if (ch === '[') return this.#array();
    if (ch === '"') return this.#string();
    if (ch === '-' || (ch >= '0' && ch <= '9')) return this.#number();
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.#i)) {
        this.#i += word.length;
        return;
      }
    }
    if (ch === "'") throw new Stop(this.#i, 'strings must use double quotes (")');
    throw new Stop(this.#i, `unexpected ${describeChar(ch)}: expected a value (object, array, string, number, true, false or null)`);
  }

  #object(): void {
    this.#i++;
    this.#skipSpace();
    if (this.#peek() === '}') {
      this.#i++;
      return;
    }
    for (;;) {
      this.#skipSpace();
      const ch = this.#peek();
      if (ch === '') throw this.#eof('a property name');
      if (ch === '}') throw new Stop(this.#i, 'trailing commas are not allowed in JSON');
      if (ch !== '"') throw new Stop(this.#i, `unexpected ${describeChar(ch)}: property names must be in double quotes`);
      this.#string();
      this.#skipSpace();
      if (this.#peek() === '') throw this.#eof('":"');
      if (this.#peek() !== ':') throw new Stop(this.#i, `unexpected ${describeChar(this.#peek())}: expected ":" after the property name`);
      this.#i++;
      this.#skipSpace();
      this.#value();
      if (this.#afterItem('}', 'a property value')) return;
    }
  }

  #array(): void {
    this.#i++;
    this.#skipSpace();
    if (this.#peek() === ']') {
      this.#i++;
      return;
    }
    for (;;) {
      this.#skipSpace();
      if (this.#peek() === ']') throw new Stop(this.#i, 'trailing commas are not allowed in JSON');
      this.#value();
      if (this.#afterItem(']', 'an array item')) return;
    }
  }

  /** After an item of an object or array: true when `close` ended it, false after a comma. */
  #afterItem(close: '}' | ']', item: string): boolean {
    this.#skipSpace();
    const next = this.#peek();
    if (next === ',' || next === close) {
      this.#i++;
      return next === close;
    }
    if (next === '') throw this.#eof(`"," or "${close}"`);
    throw new Stop(this.#i, `unexpected ${describeChar(next)}: expected "," or "${close}" after ${item}`);
  }

  #string(): void {
    const start = this.#i;
    this.#i++;
    for (;;) {
      const ch = this.#peek();
      if (ch === '' || ch === '\n') throw new Stop(start, 'unterminated string');
      if (ch === '"') {
        this.#i++;
        return;
      }
      if (ch < ' ') throw new Stop(this.#i, `${describeChar(ch)} inside a string: write it as an escape such as \\n or \\t`);
      if (ch === '\\') {
        const esc = this.text[this.#i + 1] ?? '';
        if (esc === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.#i + 2, this.#i + 6))) throw new Stop(this.#i, 'invalid \\u escape: expected four hex digits');
          this.#i += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(esc) || esc === '') throw new Stop(this.#i, `invalid escape "\\${esc}" in a string`);
        this.#i += 2;
        continue;
      }
      this.#i++;
    }
  }

  #number(): void {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.text.slice(this.#i, this.#i + 400));
    if (match === null || match[0] === '-') throw new Stop(this.#i, 'invalid number');
    this.#i += match[0].length;
    const next = this.#peek();
    if (/[0-9.eExX]/.test(next)) throw new Stop(this.#i, 'invalid number (JSON numbers have no leading zeros, hex or trailing dots)');
  }
}

function locate(text: string, offset: number): { line: number; column: number; sourceLine: string } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = text.indexOf('\n', offset);
  const sourceLine = text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd).replace(/\r$/, '');
  return { line, column: offset - lineStart + 1, sourceLine };
}

/** The first syntax problem in `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxProblem | undefined {
  try {
    new Scanner(text).scan();
    return undefined;
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    return { ...locate(text, err.offset), message: err.message };
  }
}
