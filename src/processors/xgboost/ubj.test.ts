import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ModelFormatError } from './format-error.js';
import { decodeUbj } from './ubj.js';

/** Bytes from parts: strings are markers and UTF-8 text, numbers are single bytes, arrays are raw bytes. */
function bytes(...parts: (string | number | number[])[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'string') out.push(...Buffer.from(p, 'utf8'));
    else if (typeof p === 'number') out.push(p);
    else out.push(...p);
  }
  return Uint8Array.from(out);
}

const be = {
  i16: (n: number): number[] => [...Buffer.from(new Int16Array([n]).buffer).reverse()],
  i32: (n: number): number[] => [...Buffer.from(new Int32Array([n]).buffer).reverse()],
  i64: (n: number): number[] => [...Buffer.from(new BigInt64Array([BigInt(n)]).buffer).reverse()],
  f32: (n: number): number[] => [...Buffer.from(new Float32Array([n]).buffer).reverse()],
  f64: (n: number): number[] => [...Buffer.from(new Float64Array([n]).buffer).reverse()],
};

/** A key or string body as XGBoost writes it: int64 length, then the bytes. */
const text = (s: string): (string | number[])[] => ['L', be.i64(Buffer.byteLength(s)), s];

void describe('decodeUbj', () => {
  void it('reads every scalar type, big-endian', () => {
    assert.equal(decodeUbj(bytes('Z')), null);
    assert.equal(decodeUbj(bytes('T')), true);
    assert.equal(decodeUbj(bytes('F')), false);
    assert.equal(decodeUbj(bytes('i', 0xfe)), -2);
    assert.equal(decodeUbj(bytes('U', 0xfe)), 254);
    assert.equal(decodeUbj(bytes('I', be.i16(-300))), -300);
    assert.equal(decodeUbj(bytes('l', be.i32(-70000))), -70000);
    assert.equal(decodeUbj(bytes('L', be.i64(2 ** 40))), 2 ** 40);
    assert.equal(decodeUbj(bytes('d', be.f32(0.1))), Math.fround(0.1));
    assert.equal(decodeUbj(bytes('D', be.f64(0.1))), 0.1);
    assert.equal(decodeUbj(bytes('C', 'x')), 'x');
    assert.equal(decodeUbj(bytes('S', ...text('héllo'))), 'héllo');
    assert.equal(decodeUbj(bytes('H', ...text('1.5e3'))), 1500);
  });

  void it('reads objects with unmarked keys, nested containers and no-op markers', () => {
    const doc = decodeUbj(
      bytes('{', ...text('a'), 'i', 1, ...text('b'), '[', 'N', 'S', ...text('x'), 'T', ']', ...text('c'), '{', '}', 'N', '}'),
    );
    assert.deepEqual({ ...(doc as object) }, { a: 1, b: ['x', true], c: Object.create(null) as object });
  });

  void it('returns typed arrays for strongly typed numeric arrays', () => {
    const f = decodeUbj(bytes('[', '$', 'd', '#', 'L', be.i64(3), be.f32(1.5), be.f32(-2), be.f32(0.1)));
    assert.ok(f instanceof Float32Array);
    assert.deepEqual([...f], [1.5, -2, Math.fround(0.1)]);
    const l = decodeUbj(bytes('[', '$', 'l', '#', 'i', 2, be.i32(-1), be.i32(123456)));
    assert.ok(l instanceof Int32Array);
    assert.deepEqual([...l], [-1, 123456]);
    const i8 = decodeUbj(bytes('[', '$', 'i', '#', 'i', 2, 0xff, 0x41));
    assert.ok(i8 instanceof Int8Array);
    assert.deepEqual([...i8], [-1, 65]);
    const u8 = decodeUbj(bytes('[', '$', 'U', '#', 'i', 2, 0xff, 0x41));
    assert.ok(u8 instanceof Uint8Array);
    assert.deepEqual([...u8], [255, 65]);
    assert.deepEqual(decodeUbj(bytes('[', '$', 'L', '#', 'i', 2, be.i64(7), be.i64(-8))), [7, -8]);
    assert.deepEqual([...(decodeUbj(bytes('[', '$', 'D', '#', 'i', 1, be.f64(0.1))) as Float64Array)], [0.1]);
  });

  void it('copies typed bytes instead of keeping a view into the input', () => {
    const input = bytes('[', '$', 'U', '#', 'i', 2, 1, 2);
    const out = decodeUbj(input) as Uint8Array;
    input[5] = 9;
    assert.deepEqual([...out], [1, 2]);
  });

  void it('reads counted arrays without a type', () => {
    assert.deepEqual(decodeUbj(bytes('[', '#', 'i', 3, 'i', 1, 'S', ...text('two'), 'Z')), [1, 'two', null]);
  });

  void it('keeps a "__proto__" key as data', () => {
    const doc = decodeUbj(bytes('{', ...text('__proto__'), 'i', 5, '}')) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(doc), null);
    assert.equal(doc['__proto__'], 5);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  void it('reports truncation with the byte where the data ran out', () => {
    const whole = bytes('{', ...text('weights'), '[', '$', 'd', '#', 'L', be.i64(4), be.f32(1), be.f32(2), be.f32(3), be.f32(4), '}');
    for (const cut of [1, 5, 12, 20, 30, whole.length - 1]) {
      assert.throws(() => decodeUbj(whole.subarray(0, cut)), (e: unknown) => {
        assert.ok(e instanceof ModelFormatError);
        assert.match(e.message, /^truncated UBJ at byte \d+ \(the data ends at byte \d+\)$/);
        return true;
      });
    }
  });

  void it('rejects invalid markers, a type without a count, negative lengths, trailing bytes and deep nesting', () => {
    assert.throws(() => decodeUbj(bytes('q')), /invalid UBJ marker 'q' \(0x71\) at byte 0/);
    assert.throws(() => decodeUbj(bytes('[', '$', 'd', 'i', 1)), /a typed container needs a count/);
    assert.throws(() => decodeUbj(bytes('S', 'i', 0xff)), /invalid length -1/);
    assert.throws(() => decodeUbj(bytes('S', 'd', be.f32(1))), /expected an integer length/);
    assert.throws(() => decodeUbj(bytes('T', 'T')), /trailing bytes/);
    assert.throws(() => decodeUbj(bytes('['.repeat(200))), /nested deeper than 100/);
    assert.throws(() => decodeUbj(bytes('[', '#', 'L', be.i64(1e9), 'Z')), /truncated UBJ/);
  });
});
