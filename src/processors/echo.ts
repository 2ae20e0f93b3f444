// The built-in `echo` processor: answers with the request body and content-type. It runs inline
// on the main thread; it is the reference point of the gateway benchmark, so it stays trivial.
import type { ProcessorJob, ProcessorRunner } from './runner.js';
import { OCTET_STREAM } from './result.js';

export class EchoRunner implements ProcessorRunner {
  #closed = false;

  start(): Promise<void> {
    return Promise.resolve();
  }

  submit(job: ProcessorJob): void {
    if (this.#closed) {
      job.settle({ ok: false, error: 'unavailable', reason: 'the instance is shutting down' });
      return;
    }
    const contentType = job.request.headers['content-type'] ?? OCTET_STREAM;
    job.settle({ ok: true, status: 200, headers: { 'content-type': contentType }, body: job.body });
  }

  expire(): void {
    // Echo answers synchronously: nothing of it can be outstanding.
  }

  live(): boolean {
    return true;
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }
}
