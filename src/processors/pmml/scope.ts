// Field values of one row at one model level, held in slots resolved at compile time.
//
// Every model element gets a Layout: slots for the fields it defines itself (treated mining
// fields, LocalTransformations, its OutputFields, fields a modelChain adds). Names it does not
// define resolve to an enclosing layout. A layout with no slots gets no scope at run time: the
// enclosing scope serves it, so a forest of plain trees allocates nothing per tree.
import type { Scope, Value } from './model.js';
import type { FieldDef } from './fields.js';

type Compute = (scope: FieldScope) => Value;

const BUSY = 1;
const DONE = 2;

function noValue(): Value {
  return null;
}

export class Layout {
  readonly parent: Layout | undefined;
  readonly defs: FieldDef[] = [];
  readonly compute: Compute[] = [];
  /** Derived fields compiled when first referenced (an unused one may refer to fields the model lacks). */
  readonly pending = new Map<number, () => void>();
  readonly #slots = new Map<string, number>();

  constructor(parent: Layout | undefined) {
    this.parent = parent;
  }

  get size(): number {
    return this.defs.length;
  }

  /** Adds a slot; `compute` gives its value on first read in a row (none: it is set explicitly). */
  add(def: FieldDef, compute: Compute = noValue): number {
    const slot = this.defs.length;
    this.#slots.set(def.name, slot);
    this.defs.push(def);
    this.compute.push(compute);
    return slot;
  }

  slot(name: string): number | undefined {
    return this.#slots.get(name);
  }

  /** Innermost layout defining `name`, and the slot there. */
  resolve(name: string): { layout: Layout; slot: number } | undefined {
    const slot = this.#slots.get(name);
    if (slot !== undefined) return { layout: this, slot };
    return this.parent?.resolve(name);
  }
}

export class FieldScope implements Scope {
  readonly layout: Layout;
  readonly parent: FieldScope | undefined;
  /** Transactional input: every value of each grouped field in the row's transaction. */
  groups: ReadonlyMap<string, readonly Value[]> | undefined;
  readonly #values: Value[];
  readonly #state: Uint8Array;

  constructor(layout: Layout, parent: FieldScope | undefined) {
    this.layout = layout;
    this.parent = parent;
    this.groups = parent?.groups;
    this.#values = new Array<Value>(layout.size).fill(null);
    this.#state = new Uint8Array(layout.size);
  }

  at(slot: number): Value {
    const state = this.#state[slot];
    if (state === DONE) return this.#values[slot] ?? null;
    // A field defined through itself reads as missing instead of recursing forever.
    if (state === BUSY) return null;
    this.#state[slot] = BUSY;
    const compute = this.layout.compute[slot];
    const v = compute === undefined ? null : compute(this);
    this.#values[slot] = v;
    this.#state[slot] = DONE;
    return v;
  }

  set(slot: number, v: Value): void {
    this.#values[slot] = v;
    this.#state[slot] = DONE;
  }

  get(name: string): Value {
    const slot = this.layout.slot(name);
    if (slot !== undefined) return this.at(slot);
    return this.parent === undefined ? null : this.parent.get(name);
  }

  isMissing(name: string): boolean {
    return this.get(name) === null;
  }

  values(name: string): readonly Value[] {
    const group = this.groups?.get(name);
    if (group !== undefined) return group;
    const v = this.get(name);
    return v === null ? [] : [v];
  }
}

/** The scope of `layout` among `scope` and its ancestors. */
export function scopeOf(scope: Scope, layout: Layout): FieldScope | undefined {
  if (!(scope instanceof FieldScope)) return undefined;
  let s: FieldScope | undefined = scope;
  while (s !== undefined && s.layout !== layout) s = s.parent;
  return s;
}

/** A reader of a resolved slot: no name lookup per row. */
export function slotReader(layout: Layout, slot: number, name: string): (scope: Scope) => Value {
  return (scope) => {
    if (scope instanceof FieldScope && scope.layout === layout) return scope.at(slot);
    const s = scopeOf(scope, layout);
    return s === undefined ? scope.get(name) : s.at(slot);
  };
}

/** A writer of a slot the framework sets itself (modelChain outputs). */
export function slotWriter(layout: Layout, slot: number): (scope: Scope, v: Value) => void {
  return (scope, v) => scopeOf(scope, layout)?.set(slot, v);
}
