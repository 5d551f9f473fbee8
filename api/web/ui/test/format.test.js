// The page's text of every Arrow type it can receive, and its type names: `npm test` (node --test).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Binary, Bool, DateDay, Decimal, Dictionary, Duration, Field, FixedSizeBinary, Float64, Int8, Int32, Int64,
  Interval, List, Map_, Null, Struct, Time, Timestamp, Uint8, Utf8,
} from 'apache-arrow';
import { formatValue, typeName } from '../src/format.js';

const text = (type, value, metadata) => formatValue(new Field('c', type, true, metadata), value);
/** A decimal as apache-arrow gives it: little-endian 32-bit words of the two's-complement integer. */
function words(unscaled, count) {
  const out = new Uint32Array(count);
  let value = BigInt.asUintN(32 * count, unscaled);
  for (let i = 0; i < count; i++, value >>= 32n) out[i] = Number(value & 0xffffffffn);
  return out;
}

test('numbers, booleans, strings and nulls', () => {
  assert.equal(text(new Int8(), -128), '-128');
  assert.equal(text(new Uint8(), 255), '255');
  assert.equal(text(new Int64(), -9223372036854775808n), '-9223372036854775808');
  assert.equal(text(new Float64(), -2.25), '-2.25');
  assert.equal(text(new Bool(), false), 'false');
  assert.equal(text(new Utf8(), 'héllo'), 'héllo');
  assert.equal(text(new Int32(), null), '∅');
  assert.equal(text(new Null(), null), '∅');
});

test('decimals as decimal text, whatever the width, sign and scale', () => {
  assert.equal(text(new Decimal(2, 10, 128), words(18590n, 4)), '185.90');
  assert.equal(text(new Decimal(3, 10, 128), words(-5n, 4)), '-0.005');
  assert.equal(text(new Decimal(0, 10, 128), words(42n, 4)), '42');
  assert.equal(text(new Decimal(4, 40, 256), words(1234567890123456789012345678901234n, 8)),
    '123456789012345678901234567890.1234');
});

test('dates, times, timestamps with their zone, durations and intervals in ISO 8601', () => {
  assert.equal(text(new DateDay(), Date.UTC(2024, 1, 29)), '2024-02-29');
  assert.equal(text(new Time(1, 32), 47655500), '13:14:15.500');
  assert.equal(text(new Time(3, 64), 3723000000123n), '01:02:03.000000123');
  const instant = Date.UTC(2024, 2, 10, 12, 30);
  assert.equal(formatValue(new Field('c', new Timestamp(2, 'UTC')), instant, BigInt(instant) * 1000n + 123456n),
    '2024-03-10T12:30:00.123456Z');
  assert.equal(text(new Timestamp(1, 'America/New_York'), instant), '2024-03-10T08:30:00.000-04:00[America/New_York]');
  assert.equal(text(new Timestamp(1, '+05:30'), instant), '2024-03-10T18:00:00.000+05:30');
  assert.equal(text(new Timestamp(0, null), -1000), '1969-12-31T23:59:59');
  assert.equal(text(new Duration(2), 90061000001n), 'PT25H1M1.000001S');
  assert.equal(text(new Interval(2), new Int32Array([14, 3, 4000000000 | 0, 0])), 'P14M3DT4S');
  assert.equal(text(new Interval(0), new Int32Array([1, 2])), 'P14M');
});

test('binary as hex, cut after 32 bytes; UUID and JSON extension columns in their logical form', () => {
  assert.equal(text(new Binary(), new Uint8Array([0, 1, 254, 255])), '0001feff');
  assert.equal(text(new Binary(), new Uint8Array(40)), `${'00'.repeat(32)}… (40 bytes)`);
  const uuid = new Map([['ARROW:extension:name', 'arrow.uuid']]);
  const bytes = Uint8Array.from([0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78]);
  assert.equal(text(new FixedSizeBinary(16), bytes, uuid), '12345678-1234-5678-1234-567812345678');
  assert.equal(text(new Utf8(), '{"a": 1}', new Map([['ARROW:extension:name', 'arrow.json']])), '{"a": 1}');
});

test('lists, structs, maps and dictionaries with their values formatted by type', () => {
  assert.equal(text(new List(new Field('item', new Int32(), true)), [1, null, 3]), '[1, ∅, 3]');
  const struct = new Struct([new Field('a', new Decimal(1, 5, 128)), new Field('b', new Utf8())]);
  assert.equal(text(struct, { a: words(15n, 4), b: 'x' }), '{a: 1.5, b: "x"}');
  const map = new Map_(new Field('entries', new Struct([new Field('key', new Utf8()), new Field('value', new Int64())])));
  assert.equal(text(map, new Map([['k', 7n]])), '{"k": 7}');
  assert.equal(text(new Dictionary(new Utf8(), new Int32()), 'red'), 'red');
});

test('type names as Arrow users read them', () => {
  const name = (type, more = {}) => typeName({ name: 'c', nullable: true, type, children: [], ...more });
  assert.equal(name({ name: 'int', bitWidth: 8, isSigned: false }), 'uint8');
  assert.equal(name({ name: 'timestamp', unit: 'MICROSECOND', timezone: 'UTC' }), 'timestamp[us, tz=UTC]');
  assert.equal(name({ name: 'timestamp', unit: 'NANOSECOND' }), 'timestamp[ns]');
  assert.equal(name({ name: 'decimal', precision: 10, scale: 2, bitWidth: 128 }), 'decimal128(10, 2)');
  assert.equal(name({ name: 'list' }, { children: [{ name: 'item', type: { name: 'int', bitWidth: 32, isSigned: true }, children: [] }] }),
    'list<int32>');
  assert.equal(name({ name: 'utf8' }, { dictionary: { id: 0, isOrdered: false, indexType: { name: 'int', bitWidth: 32, isSigned: true } } }),
    'dictionary<values=string, indices=int32>');
  assert.equal(name({ name: 'fixedsizebinary', byteWidth: 16 }, { metadata: [{ key: 'ARROW:extension:name', value: 'arrow.uuid' }] }),
    'extension<arrow.uuid>');
  assert.equal(name({ name: 'struct' }, { children: [{ name: 'a', type: { name: 'date', unit: 'DAY' }, children: [] }] }),
    'struct<a: date32[day]>');
});
