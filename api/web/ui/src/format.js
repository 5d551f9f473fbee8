// How the page writes Arrow values and types: values as Arrow users read them (decimals as decimal
// text, timestamps in ISO 8601 with their zone, binary as hex), types in Arrow's own notation
// (`timestamp[us, tz=UTC]`, `decimal128(10, 2)`, `list<int32>`). No DOM here, so Node tests it.
import { Type } from 'apache-arrow';

/** Bytes of binary shown before the rest is cut off. */
export const BINARY_SHOWN = 32;
export const NULL_TEXT = '∅';

const UNIT_DIGITS = [0, 3, 6, 9];
const UNIT_NAMES = ['s', 'ms', 'us', 'ns'];
const PER_SECOND = [1n, 1000n, 1000000n, 1000000000n];

/**
 * The text of one value of an Arrow field (an apache-arrow `Field`), as `vector.get(i)` gives it;
 * `raw`, when given, is the stored integer of a timestamp, for its full precision.
 */
export function formatValue(field, value, raw) {
  if (value === null || value === undefined) return NULL_TEXT;
  return format(field.type, value, extensionName(field.metadata), false, raw);
}

function format(type, value, extension, nested, raw) {
  if (value === null || value === undefined) return NULL_TEXT;
  if (extension === 'arrow.uuid' && value instanceof Uint8Array && value.length === 16) return uuid(value);
  switch (type.typeId) {
    case Type.Decimal:
      return decimal(value, type.scale);
    case Type.Date:
      return isoDate(Number(value instanceof Date ? value.getTime() : value));
    case Type.Time:
      return time(BigInt(value), type.unit);
    case Type.Timestamp:
      return timestamp(raw ?? BigInt(Math.round(Number(value) * Number(PER_SECOND[type.unit]) / 1000)), type.unit, type.timezone);
    case Type.Duration:
      return duration(BigInt(value), type.unit);
    case Type.Interval:
      return interval(value, type.unit);
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return hex(value);
    case Type.Utf8:
    case Type.LargeUtf8:
      return nested && extension !== 'arrow.json' ? JSON.stringify(value) : String(value);
    case Type.List:
    case Type.FixedSizeList: {
      const child = type.children[0];
      return `[${[...value].map((item) => format(child.type, item, extensionName(child.metadata), true)).join(', ')}]`;
    }
    case Type.Struct:
      return `{${type.children
        .map((child) => `${child.name}: ${format(child.type, value[child.name], extensionName(child.metadata), true)}`)
        .join(', ')}}`;
    case Type.Map: {
      const [key, item] = type.children[0].type.children;
      return `{${[...value]
        .map(([k, v]) => `${format(key.type, k, null, true)}: ${format(item.type, v, extensionName(item.metadata), true)}`)
        .join(', ')}}`;
    }
    case Type.Dictionary:
      return format(type.dictionary, value, extension, nested);
    default:
      if (typeof value === 'object' && value !== null && !(value instanceof Date)) return JSON.stringify(value);
      return String(value);
  }
}

function extensionName(metadata) {
  return metadata?.get?.('ARROW:extension:name') ?? null;
}

/** Two's-complement little-endian 32-bit words (apache-arrow's decimal value) as text with `scale` decimals. */
export function decimal(words, scale) {
  let unscaled = 0n;
  for (let i = words.length - 1; i >= 0; i--) unscaled = (unscaled << 32n) | BigInt(words[i] >>> 0);
  const bits = BigInt(words.length * 32);
  if (unscaled >> (bits - 1n)) unscaled -= 1n << bits;
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  } else if (scale < 0) {
    digits += '0'.repeat(-scale);
  }
  return (negative ? '-' : '') + digits;
}

function pad(n, width = 2) {
  return String(n).padStart(width, '0');
}

function isoDate(millis) {
  const date = new Date(millis);
  const year = date.getUTCFullYear();
  const y = year < 0 ? `-${pad(-year, 6)}` : year > 9999 ? `+${pad(year, 6)}` : pad(year, 4);
  return `${y}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

function fraction(remainder, unit) {
  return UNIT_DIGITS[unit] ? `.${pad(remainder, UNIT_DIGITS[unit])}` : '';
}

function time(value, unit) {
  const perSecond = PER_SECOND[unit];
  const seconds = value / perSecond;
  return `${pad(seconds / 3600n)}:${pad((seconds / 60n) % 60n)}:${pad(seconds % 60n)}${fraction(value % perSecond, unit)}`;
}

/** ISO 8601: `2024-03-10T12:30:00.123456Z`, `2024-03-10T08:30:00.000-04:00[America/New_York]`, or local without a zone. */
export function timestamp(value, unit, timezone) {
  const perSecond = PER_SECOND[unit];
  let seconds = value / perSecond;
  let rest = value % perSecond;
  if (rest < 0n) {
    rest += perSecond;
    seconds -= 1n;
  }
  const millis = Number(seconds) * 1000;
  if (!timezone) return `${wallClock(millis)}${fraction(rest, unit)}`;
  if (/^(UTC|Etc\/UTC|Z|\+00:00|GMT)$/i.test(timezone)) return `${wallClock(millis)}${fraction(rest, unit)}Z`;
  const fixed = /^[+-]\d\d:\d\d$/.test(timezone) ? minutesOf(timezone) : null;
  const offset = fixed ?? zoneOffsetMinutes(millis, timezone);
  const sign = offset < 0 ? '-' : '+';
  const text = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${wallClock(millis + offset * 60000)}${fraction(rest, unit)}${text}${fixed === null ? `[${timezone}]` : ''}`;
}

function wallClock(millis) {
  const date = new Date(millis);
  return `${isoDate(millis)}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

function minutesOf(offset) {
  const minutes = Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6));
  return offset[0] === '-' ? -minutes : minutes;
}

/** The zone's offset from UTC at that instant, in minutes, from the browser's time zone database. */
function zoneOffsetMinutes(millis, timezone) {
  try {
    const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
      timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short',
    }).formatToParts(new Date(millis)).map((part) => [part.type, part.value]));
    const year = parts.era === 'BC' ? 1 - Number(parts.year) : Number(parts.year);
    const local = Date.UTC(year, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
    return Math.round((local - Math.floor(millis / 1000) * 1000) / 60000);
  } catch {
    return 0;
  }
}

/** ISO 8601 duration, exact: `PT25H1M1.000001S`. */
export function duration(value, unit) {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const perSecond = PER_SECOND[unit];
  const seconds = abs / perSecond;
  const hours = seconds / 3600n;
  const minutes = (seconds / 60n) % 60n;
  const rest = abs % perSecond;
  let text = 'PT';
  if (hours) text += `${hours}H`;
  if (minutes) text += `${minutes}M`;
  if (seconds % 60n || rest || text === 'PT') text += `${seconds % 60n}${rest ? fraction(rest, unit).replace(/0+$/, '') : ''}S`;
  return (negative ? '-' : '') + text;
}

/** Intervals as ISO 8601 durations: months, days and the time of day part. */
function interval(value, unit) {
  // apache-arrow's IntervalUnit: 0 YEAR_MONTH, 1 DAY_TIME, 2 MONTH_DAY_NANO.
  if (unit === 0) return `P${value.length > 1 ? value[0] * 12 + value[1] : value[0]}M`;
  if (unit === 1) return `P${value[0]}D${value[1] ? duration(BigInt(value[1]), 1).slice(1) : ''}`;
  const nanos = (BigInt(value[3]) << 32n) | BigInt(value[2] >>> 0);
  return `P${value[0]}M${value[1]}D${nanos ? duration(nanos, 3).slice(1) : ''}`;
}

function hex(bytes) {
  const shown = bytes.subarray(0, BINARY_SHOWN);
  const text = Array.from(shown, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return bytes.length > BINARY_SHOWN ? `${text}… (${bytes.length} bytes)` : text;
}

function uuid(bytes) {
  const text = hex(bytes);
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}

/** The stored integer of a timestamp at row `index` of `vector`, for its full precision; undefined if not at hand. */
export function rawTimestamp(vector, index) {
  let i = index;
  for (const data of vector.data) {
    if (i < data.length) {
      const values = data.values;
      if (values instanceof BigInt64Array) return values[data.offset + i];
      if (values instanceof Int32Array) {
        const at = 2 * (data.offset + i);
        return (BigInt(values[at + 1]) << 32n) | BigInt(values[at] >>> 0);
      }
      return undefined;
    }
    i -= data.length;
  }
  return undefined;
}

/**
 * The name of a type of the catalog's schema (Arrow's JSON form of a field) as Arrow users read
 * it: `uint8`, `timestamp[us, tz=UTC]`, `decimal128(10, 2)`, `list<int32>`,
 * `dictionary<values=string, indices=int32>`.
 */
export function typeName(field) {
  const extension = metadataValue(field?.metadata, 'ARROW:extension:name');
  const plain = extension ? `extension<${extension}>` : jsonTypeName(field?.type, field?.children || []);
  const dictionary = field?.dictionary;
  if (!dictionary) return plain;
  const indices = jsonTypeName(dictionary.indexType, []);
  return `dictionary<values=${plain}, indices=${indices}${dictionary.isOrdered ? ', ordered' : ''}>`;
}

function metadataValue(metadata, key) {
  if (!metadata) return null;
  if (Array.isArray(metadata)) return metadata.find((entry) => entry.key === key)?.value ?? null;
  return metadata[key] ?? null;
}

const UNITS = { SECOND: 's', MILLISECOND: 'ms', MICROSECOND: 'us', NANOSECOND: 'ns' };

function jsonTypeName(type, children) {
  if (!type) return '';
  const child = (i) => typeName(children[i]);
  switch (type.name) {
    case 'null': return 'null';
    case 'bool': return 'bool';
    case 'int': return `${type.isSigned ? '' : 'u'}int${type.bitWidth}`;
    case 'floatingpoint': return { HALF: 'halffloat', SINGLE: 'float', DOUBLE: 'double' }[type.precision] ?? 'float';
    case 'decimal': return `decimal${type.bitWidth ?? 128}(${type.precision}, ${type.scale})`;
    case 'utf8': return 'string';
    case 'largeutf8': return 'large_string';
    case 'utf8view': return 'string_view';
    case 'binary': return 'binary';
    case 'largebinary': return 'large_binary';
    case 'binaryview': return 'binary_view';
    case 'fixedsizebinary': return `fixed_size_binary[${type.byteWidth}]`;
    case 'date': return type.unit === 'DAY' ? 'date32[day]' : 'date64[ms]';
    case 'time': return `time${type.bitWidth}[${UNITS[type.unit]}]`;
    case 'timestamp': return `timestamp[${UNITS[type.unit]}${type.timezone ? `, tz=${type.timezone}` : ''}]`;
    case 'duration': return `duration[${UNITS[type.unit]}]`;
    case 'interval': return { YEAR_MONTH: 'month_interval', DAY_TIME: 'day_time_interval', MONTH_DAY_NANO: 'month_day_nano_interval' }[type.unit] ?? 'interval';
    case 'list': return `list<${child(0)}>`;
    case 'largelist': return `large_list<${child(0)}>`;
    case 'listview': return `list_view<${child(0)}>`;
    case 'fixedsizelist': return `fixed_size_list<${child(0)}>[${type.listSize}]`;
    case 'struct': return `struct<${children.map((c) => `${c.name}: ${typeName(c)}`).join(', ')}>`;
    case 'map': {
      const entries = children[0]?.children || [];
      return `map<${typeName(entries[0])}, ${typeName(entries[1])}${type.keysSorted ? ', keys_sorted' : ''}>`;
    }
    case 'union': return `${(type.mode || '').toLowerCase()}_union<${children.map((c) => `${c.name}: ${typeName(c)}`).join(', ')}>`;
    default: return type.name;
  }
}
