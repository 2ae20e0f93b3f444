// One request on its way through the instance: reading → queued → running → done.
import type { ServerResponse } from 'node:http';
import type { ProcessorJob, ProcessorOutcome } from '../processors/index.js';
import type { RequestInfo } from '../processors/types.js';
import type { QueueLinks } from './admission.js';

export type CallState = 'reading' | 'queued' | 'running' | 'done';

export interface CallOwner {
  onSettled(call: Call, outcome: ProcessorOutcome): void;
}

const EMPTY = Buffer.alloc(0);

export class Call implements ProcessorJob, QueueLinks<Call> {
  readonly id: number;
  readonly res: ServerResponse;
  readonly request: RequestInfo;
  body: Buffer = EMPTY;
  state: CallState = 'reading';
  /** Holds a processor slot: from admission until the processor answers or the deadline passes. */
  holdsSlot = false;
  /** The client went away; a late outcome is dropped. */
  clientGone = false;
  deadline: NodeJS.Timeout | undefined;
  prev: Call | undefined;
  next: Call | undefined;
  inQueue = false;
  /** The batch this call was dispatched in, while it runs (rpc.batching). */
  batch: { remaining: number } | undefined;
  readonly #owner: CallOwner;

  constructor(owner: CallOwner, id: number, res: ServerResponse, request: RequestInfo) {
    this.#owner = owner;
    this.id = id;
    this.res = res;
    this.request = request;
  }

  settle(outcome: ProcessorOutcome): void {
    this.#owner.onSettled(this, outcome);
  }
}
