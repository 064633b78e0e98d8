// Java's toString formats that zkCli output is made of: Date.toString ("Sun Nov 22 09:45:36
// UTC 2026"), Long.toHexString (two's complement for negative longs) and List.toString
// ("[a, b]"). Scripts written against zkCli parse these, so they are reproduced exactly.

/** Long.toHexString: lower-case hex of the 64-bit two's complement, no leading zeros. */
export function javaHexLong(value: bigint): string {
  return BigInt.asUintN(64, value).toString(16);
}

/** List.toString of strings: "[a, b, c]". */
export function javaList(items: readonly string[]): string {
  return `[${items.join(', ')}]`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      month: 'short',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      year: 'numeric',
      timeZoneName: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The time zone this process runs in (TZ or the system's), as Java's default would be. */
export function localTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * Date.toString ("EEE MMM dd HH:mm:ss zzz yyyy") of epoch milliseconds in `timeZone`. The zone
 * name is ICU's short name: "UTC", "PST"; Java names some zones differently ("CET" where ICU
 * says "GMT+1").
 */
export function javaDate(epochMs: number, timeZone: string): string {
  const parts = new Map<string, string>();
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    parts.set(part.type, part.value);
  }
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.get(type) ?? '?';
  const year = get('year').padStart(4, '0');
  const time = `${get('hour')}:${get('minute')}:${get('second')}`;
  return `${get('weekday')} ${get('month')} ${get('day')} ${time} ${get('timeZoneName')} ${year}`;
}
