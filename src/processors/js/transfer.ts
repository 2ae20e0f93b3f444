// Bodies cross between threads as transferred ArrayBuffers (moved, not copied). Only a buffer
// that owns its whole ArrayBuffer may be moved: Node's small Buffers are slices of a shared pool,
// and detaching the pool would corrupt every other Buffer cut from it.

/** An ArrayBuffer holding exactly these bytes that the caller may transfer. */
export function transferableCopy(bytes: Uint8Array | string): ArrayBuffer {
  if (typeof bytes === 'string') {
    const out = Buffer.allocUnsafeSlow(Buffer.byteLength(bytes));
    out.write(bytes);
    return out.buffer;
  }
  const out = Buffer.allocUnsafeSlow(bytes.byteLength);
  out.set(bytes);
  return out.buffer;
}

/**
 * The body's own ArrayBuffer when it spans all of it (the common case for a body the host
 * assembled), else a copy. The caller must not use `body` afterwards.
 */
export function takeForTransfer(body: Buffer): ArrayBuffer {
  const ab = body.buffer;
  if (ab instanceof ArrayBuffer && body.byteOffset === 0 && body.byteLength === ab.byteLength) return ab;
  return transferableCopy(body);
}
