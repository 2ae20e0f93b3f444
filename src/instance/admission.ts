// Who may enter the processor: at most `slots` at once, then up to `maxQueue` waiting in
// arrival order. Pure bookkeeping; the host decides what running and rejecting mean.

/** Links an item carries so the queue can remove it from the middle in O(1). */
export interface QueueLinks<T> {
  prev: T | undefined;
  next: T | undefined;
  inQueue: boolean;
}

export type Admit = 'run' | 'queued' | 'full';

export class Admission<T extends QueueLinks<T>> {
  readonly #slots: number;
  readonly #maxQueue: number;
  #running = 0;
  #head: T | undefined;
  #tail: T | undefined;
  #queued = 0;

  constructor(slots: number, maxQueue: number) {
    this.#slots = slots;
    this.#maxQueue = maxQueue;
  }

  get running(): number {
    return this.#running;
  }

  get queued(): number {
    return this.#queued;
  }

  /** True when an item arriving now would be rejected. */
  get full(): boolean {
    return this.#running >= this.#slots && this.#queued >= this.#maxQueue;
  }

  /** 'run': a slot is now held for the item; 'queued': it waits; 'full': neither. */
  admit(item: T): Admit {
    if (this.#running < this.#slots && this.#queued === 0) {
      this.#running++;
      return 'run';
    }
    if (this.#queued >= this.#maxQueue) return 'full';
    item.prev = this.#tail;
    item.next = undefined;
    if (this.#tail === undefined) this.#head = item;
    else this.#tail.next = item;
    this.#tail = item;
    item.inQueue = true;
    this.#queued++;
    return 'queued';
  }

  /** Gives back a slot taken by admit() or next(). */
  release(): void {
    if (this.#running > 0) this.#running--;
  }

  /** The oldest waiting item, now holding a slot, when a slot is free. */
  next(): T | undefined {
    const item = this.#head;
    if (item === undefined || this.#running >= this.#slots) return undefined;
    this.withdraw(item);
    this.#running++;
    return item;
  }

  /** Removes a waiting item (its deadline passed or its client left). */
  withdraw(item: T): void {
    if (!item.inQueue) return;
    if (item.prev === undefined) this.#head = item.next;
    else item.prev.next = item.next;
    if (item.next === undefined) this.#tail = item.prev;
    else item.next.prev = item.prev;
    item.prev = undefined;
    item.next = undefined;
    item.inQueue = false;
    this.#queued--;
  }
}
