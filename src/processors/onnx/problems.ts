// What is wrong with a request, each problem with the JSON path of the value it is about.
// Validation goes on after a problem so the client learns everything at once; a cap keeps a
// request with a million bad elements from producing a million messages.

export interface Problem {
  /** JSON path, e.g. `inputs[0].data[3]`; empty for the body as a whole. */
  readonly path: string;
  readonly message: string;
}

const MAX_PROBLEMS = 20;

export class Problems {
  readonly #list: Problem[] = [];
  #dropped = 0;

  add(path: string, message: string): void {
    if (this.#list.length < MAX_PROBLEMS) this.#list.push({ path, message });
    else this.#dropped++;
  }

  get empty(): boolean {
    return this.#list.length === 0;
  }

  get list(): readonly Problem[] {
    return this.#list;
  }

  /** One line for the error message: every problem, `path: message`, joined by "; ". */
  summary(): string {
    const lines = this.#list.map(renderProblem);
    if (this.#dropped > 0) lines.push(`and ${this.#dropped} more problem(s)`);
    return lines.join('; ');
  }
}

export function renderProblem(p: Problem): string {
  return p.path === '' ? p.message : `${p.path}: ${p.message}`;
}

/** A JSON value as an error message shows it: strings quoted and cut short, containers by kind. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
    case 'number':
    case 'boolean':
      return String(v);
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}
