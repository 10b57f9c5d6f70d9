import { describe, expect, it } from 'vitest';
import {
  fromIsoSeconds,
  parseCalendarDate,
  parseLenientDate,
  toDbTime,
  toIsoSeconds,
  toIsoSecondsCeil,
} from '../../src/core/dates.js';

/** Epoch ms of a UTC time in any year: Date.UTC would read years 0–99 as 1900–1999. */
function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

describe('parseLenientDate', () => {
  const accepted: [string, number][] = [
    // The forms the Imonggo docs and clients use, all UTC.
    ['2011-01-01T00:00:00Z', Date.UTC(2011, 0, 1)],
    ['2012-01-01', Date.UTC(2012, 0, 1)],
    ['2011-04-1', Date.UTC(2011, 3, 1)],
    ['2010-12-31 23:59', Date.UTC(2010, 11, 31, 23, 59)],
    ['2011-04-13 04:37:45', Date.UTC(2011, 3, 13, 4, 37, 45)],
    ['2011-04-1T00:00:00Z', Date.UTC(2011, 3, 1)],
    // Variations on them.
    ['2011-4-9', Date.UTC(2011, 3, 9)],
    ['2011-04-21T03:01:51', Date.UTC(2011, 3, 21, 3, 1, 51)],
    ['2011-04-21T03:01', Date.UTC(2011, 3, 21, 3, 1)],
    ['2011-04-21 3:01:51', Date.UTC(2011, 3, 21, 3, 1, 51)],
    ['2011-04-21t03:01:51z', Date.UTC(2011, 3, 21, 3, 1, 51)],
    ['2011-04-21T03:01:51.5Z', Date.UTC(2011, 3, 21, 3, 1, 51, 500)],
    ['2011-04-21T03:01:51.123456789Z', Date.UTC(2011, 3, 21, 3, 1, 51, 123)],
    ['  2011-04-21  ', Date.UTC(2011, 3, 21)],
    ['2012-02-29', Date.UTC(2012, 1, 29)],
    ['2011-12-31T23:59:59Z', Date.UTC(2011, 11, 31, 23, 59, 59)],
    // Offsets are converted to UTC.
    ['2011-04-21T11:01:51+08:00', Date.UTC(2011, 3, 21, 3, 1, 51)],
    ['2011-04-21T11:01:51+0800', Date.UTC(2011, 3, 21, 3, 1, 51)],
    ['2011-04-20T22:01:51-05:00', Date.UTC(2011, 3, 21, 3, 1, 51)],
    ['2011-04-21T03:31:51+00:30', Date.UTC(2011, 3, 21, 3, 1, 51)],
    ['2011-04-21 11:01:51 +08:00', Date.UTC(2011, 3, 21, 3, 1, 51)],
    ['2011-01-01T07:00:00+08:00', Date.UTC(2010, 11, 31, 23)],
    // A four-digit year is that year, 0000 to 0999 included (not 1900 + year).
    ['0099-12-31', utc(99, 11, 31)],
    ['0099-12-31T23:59:59Z', utc(99, 11, 31, 23, 59, 59)],
    ['0000-01-01T00:00:00Z', utc(0, 0, 1)],
    ['0000-02-29', utc(0, 1, 29)],
    ['0004-02-29', utc(4, 1, 29)],
    ['0999-06-15 12:00', utc(999, 5, 15, 12)],
    ['0099-12-31T23:30:00-01:00', utc(100, 0, 1, 0, 30)],
    ['9999-12-31T23:59:59Z', Date.UTC(9999, 11, 31, 23, 59, 59)],
  ];

  it.each(accepted)('reads %s', (text, expected) => {
    expect(parseLenientDate(text)).toBe(expected);
  });

  const rejected = [
    '',
    'garbage',
    'yesterday',
    '2011-02-30',
    '2011-02-29',
    '2011-04-31',
    '2011-13-01',
    '2011-00-10',
    '2011-04-00',
    '2011-04-32',
    '2011-04-21T24:00:00Z',
    '2011-04-21T23:60:00Z',
    '2011-04-21T23:59:60Z',
    '2011/04/21',
    '21-04-2011',
    '11-04-21',
    '2011-04',
    '2011-04-21T',
    '2011-04-21T03',
    '2011-04-21X03:01:51',
    '2011-04-21T03:01:51 UTC',
    '2011-04-21T03:01:51Zjunk',
    '1303354911',
    // Year 1 (unlike 1901's neighbour 1900, and unlike year 0) has no 29 February.
    '0001-02-29',
    '0100-02-29',
  ];

  it.each(rejected)('rejects %j', (text) => {
    expect(parseLenientDate(text)).toBeNull();
  });
});

describe('parseCalendarDate', () => {
  it('normalizes a real day to YYYY-MM-DD', () => {
    expect(parseCalendarDate('1980-3-7')).toBe('1980-03-07');
    expect(parseCalendarDate(' 2012-02-29 ')).toBe('2012-02-29');
    expect(parseCalendarDate('1999-12-31')).toBe('1999-12-31');
    expect(parseCalendarDate('0099-12-31')).toBe('0099-12-31');
    expect(parseCalendarDate('0000-02-29')).toBe('0000-02-29');
  });

  it('refuses anything that is not a plain real day', () => {
    for (const text of ['2011-02-30', '2011-13-01', 'garbage', '', '2011-04-21T00:00:00Z', '2011-04-21 10:00']) {
      expect(parseCalendarDate(text), text).toBeNull();
    }
  });
});

describe('timestamp formats', () => {
  const ms = Date.UTC(2011, 3, 21, 3, 1, 51, 250);

  it('toIsoSeconds writes a time past a four-digit year as the nearest one, so it still compares as text', () => {
    const pastEnd = parseLenientDate('9999-12-31T23:30:00-01:00') as number;
    expect(toIsoSeconds(pastEnd)).toBe('9999-12-31T23:59:59Z');
    expect(toIsoSeconds(pastEnd) > '2011-04-21T02:54:55Z').toBe(true);
    expect(toIsoSeconds(parseLenientDate('0000-01-01T00:30:00+01:00') as number)).toBe('0000-01-01T00:00:00Z');
  });

  it('toIsoSeconds truncates to the second', () => {
    expect(toIsoSeconds(ms)).toBe('2011-04-21T03:01:51Z');
    expect(toIsoSeconds(Date.UTC(2011, 3, 21, 3, 1, 51))).toBe('2011-04-21T03:01:51Z');
  });

  it('toIsoSeconds writes years 0 to 999 with four digits', () => {
    expect(toIsoSeconds(utc(99, 11, 31, 23, 59, 59))).toBe('0099-12-31T23:59:59Z');
    expect(toIsoSeconds(utc(0, 0, 1))).toBe('0000-01-01T00:00:00Z');
    expect(toIsoSeconds(utc(999, 0, 1, 0, 0, 1) + 999)).toBe('0999-01-01T00:00:01Z');
    expect(toIsoSeconds(Date.UTC(9999, 11, 31, 23, 59, 59, 999))).toBe('9999-12-31T23:59:59Z');
  });

  it('an early year read back and written again is the same text', () => {
    for (const text of ['0099-12-31T23:59:59Z', '0000-01-01T00:00:00Z', '0999-06-15T12:00:00Z']) {
      expect(toIsoSeconds(parseLenientDate(text) ?? Number.NaN)).toBe(text);
    }
  });

  it('toIsoSecondsCeil rounds a fraction up and leaves whole seconds alone', () => {
    expect(toIsoSecondsCeil(ms)).toBe('2011-04-21T03:01:52Z');
    expect(toIsoSecondsCeil(Date.UTC(2011, 3, 21, 3, 1, 51))).toBe('2011-04-21T03:01:51Z');
    expect(toIsoSecondsCeil(Date.UTC(2011, 11, 31, 23, 59, 59, 1))).toBe('2012-01-01T00:00:00Z');
  });

  it('fromIsoSeconds reverses toIsoSeconds', () => {
    expect(fromIsoSeconds('2011-04-21T03:01:51Z')).toBe(Date.UTC(2011, 3, 21, 3, 1, 51));
    expect(fromIsoSeconds(toIsoSeconds(ms))).toBe(Date.UTC(2011, 3, 21, 3, 1, 51));
  });

  it('toDbTime prints the database form (space, no zone)', () => {
    expect(toDbTime('2011-04-13T04:37:45Z')).toBe('2011-04-13 04:37:45');
  });

  it('the stored form orders the same as text and as time', () => {
    const times = [Date.UTC(2011, 3, 1), Date.UTC(2010, 11, 31, 23, 59), Date.UTC(2011, 3, 13, 4, 37, 45)];
    const asText = times.map(toIsoSeconds).sort();
    const asTime = [...times].sort((a, b) => a - b).map(toIsoSeconds);
    expect(asText).toEqual(asTime);
  });
});
