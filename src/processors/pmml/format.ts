// formatNumber (printf patterns, as java.util.Formatter reads them) and formatDatetime
// (strftime patterns, as PMML defines them) for <Apply>.

const PRINTF = /%([-+ 0#,(]*)(\d+)?(?:\.(\d+))?([dfeEgGxXos%])/g;

function pad(s: string, width: number, flags: string): string {
  if (s.length >= width) return s;
  if (flags.includes('-')) return s.padEnd(width, ' ');
  if (flags.includes('0') && /^[+-]?[\d.]/.test(s)) {
    const sign = /^[+-]/.test(s) ? (s[0] as string) : '';
    return sign + s.slice(sign.length).padStart(width - sign.length, '0');
  }
  return s.padStart(width, ' ');
}

function grouped(digits: string): string {
  const [int = '', frac] = digits.split('.');
  const g = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? g : `${g}.${frac}`;
}

/** Java's half-up rounding to `digits` decimals (toFixed rounds binary values, 0.125 → "0.13" either way). */
function fixed(x: number, digits: number): string {
  return x.toFixed(Math.min(100, digits));
}

export function formatNumberPattern(x: number, pattern: string): string {
  return pattern.replace(PRINTF, (_m, flags: string, width: string | undefined, precision: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    let s: string;
    const neg = x < 0;
    const a = Math.abs(x);
    switch (conv) {
      case 'd':
        s = Math.trunc(a).toFixed(0);
        break;
      case 'f':
        s = fixed(a, precision === undefined ? 6 : Number(precision));
        break;
      case 'e':
      case 'E': {
        const [m = '', e = '0'] = a.toExponential(precision === undefined ? 6 : Number(precision)).split('e');
        const exp = Number(e);
        s = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
        if (conv === 'E') s = s.toUpperCase();
        break;
      }
      case 'g':
      case 'G':
        s = a.toPrecision(precision === undefined ? 6 : Math.max(1, Number(precision)));
        break;
      case 'x':
      case 'X':
        s = Math.trunc(a).toString(16);
        if (conv === 'X') s = s.toUpperCase();
        break;
      case 'o':
        s = Math.trunc(a).toString(8);
        break;
      default:
        s = String(x);
        return pad(s, Number(width ?? 0), flags);
    }
    if (flags.includes(',')) s = grouped(s);
    if (neg && Number(s.replace(/[^\d]/g, '')) !== 0) s = flags.includes('(') ? `(${s})` : `-${s}`;
    else if (flags.includes('+')) s = `+${s}`;
    else if (flags.includes(' ')) s = ` ${s}`;
    return pad(s, Number(width ?? 0), flags);
  });
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** A date/dateTime value (seconds since 1970-01-01 UTC) formatted by a strftime pattern. */
export function formatDatetime(seconds: number, pattern: string): string {
  const d = new Date(seconds * 1000);
  const year = d.getUTCFullYear();
  const dayOfYear = Math.floor((Date.UTC(year, d.getUTCMonth(), d.getUTCDate()) - Date.UTC(year, 0, 1)) / 86400000) + 1;
  return pattern.replace(/%([a-zA-Z%])/g, (m, c: string) => {
    switch (c) {
      case 'Y':
        return String(year);
      case 'y':
        return two(year % 100);
      case 'm':
        return two(d.getUTCMonth() + 1);
      case 'd':
        return two(d.getUTCDate());
      case 'e':
        return String(d.getUTCDate()).padStart(2, ' ');
      case 'H':
        return two(d.getUTCHours());
      case 'I':
        return two(((d.getUTCHours() + 11) % 12) + 1);
      case 'p':
        return d.getUTCHours() < 12 ? 'AM' : 'PM';
      case 'M':
        return two(d.getUTCMinutes());
      case 'S':
        return two(d.getUTCSeconds());
      case 'j':
        return String(dayOfYear).padStart(3, '0');
      case 'B':
        return MONTHS[d.getUTCMonth()] ?? '';
      case 'b':
      case 'h':
        return (MONTHS[d.getUTCMonth()] ?? '').slice(0, 3);
      case 'A':
        return DAYS[d.getUTCDay()] ?? '';
      case 'a':
        return (DAYS[d.getUTCDay()] ?? '').slice(0, 3);
      case 'w':
        return String(d.getUTCDay());
      case '%':
        return '%';
      default:
        return m;
    }
  });
}
