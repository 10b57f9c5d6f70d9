/**
 * Lenient UTC date parsing and the timestamp formats the vendors put on the wire.
 * Stored timestamps are ISO-8601 strings at second precision ("2011-04-21T02:54:55Z"):
 * readable in a dump, and ordered the same as text and as time.
 */

// Date, then an optional time (T or space), then an optional zone. Month and day may have one
// digit ("2011-04-1"), seconds and fractions may be left out ("2010-12-31 23:59").
const LENIENT_DATE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** Parses a date in any form the vendors' docs and clients use; null when it is not one. */
export function parseLenientDate(text: string): number | null {
  const m = LENIENT_DATE.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const date = utcDate(year, month - 1, day, hour, minute, second, Number(frac.padEnd(3, '0').slice(0, 3)));
  // The Date rolls 2011-02-30 over into March; a day past the month's end is not a date.
  if (date.getUTCDate() !== day) return null;
  return date.getTime() - zoneOffsetMs(zone);
}

/**
 * A UTC time in any year. Date.UTC reads years 0 to 99 as 1900 to 1999; a four-digit year in the
 * text ("0099") is that year, so the year is set on its own, where no such mapping applies.
 */
function utcDate(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number) {
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  date.setUTCHours(hour, minute, second, ms);
  return date;
}

function zoneOffsetMs(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

/** Parses a plain calendar date (YYYY-MM-DD, lenient digits); null when it is not a real day. */
export function parseCalendarDate(text: string): string | null {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text.trim());
  if (!m) return null;
  const ms = parseLenientDate(text);
  if (ms === null) return null;
  return `${m[1]}-${m[2]?.padStart(2, '0')}-${m[3]?.padStart(2, '0')}`;
}

/** 0000-01-01T00:00:00.000Z: the earliest time a four-digit year can write. */
export const EARLIEST_MS = -62_167_219_200_000;
/** 9999-12-31T23:59:59.999Z: the latest time a four-digit year can write. */
export const LATEST_MS = 253_402_300_799_999;

/**
 * Epoch ms to the stored form, truncated to the second. Stored times compare as text, which holds
 * only for four-digit years ("0099-12-31T…"): a time outside them (a filter like
 * 9999-12-31T23:30:00-01:00) is written as the nearest one they can hold.
 */
export function toIsoSeconds(ms: number): string {
  const held = Math.min(LATEST_MS, Math.max(EARLIEST_MS, ms));
  return `${new Date(Math.floor(held / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** Epoch ms to the stored form, rounded up to the next whole second when it has a fraction. */
export function toIsoSecondsCeil(ms: number): string {
  return toIsoSeconds(Math.ceil(ms / 1000) * 1000);
}

/** The stored form back to epoch ms. */
export function fromIsoSeconds(iso: string): number {
  return Date.parse(iso);
}

/** The stored form as Rails prints a database time: "2011-04-13 04:37:45" (space, no zone). */
export function toDbTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}
