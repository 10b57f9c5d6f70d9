import { describe, expect, it } from 'vitest';
import {
  fromIsoSeconds,
  parseCalendarDate,
  parseLenientDate,
  toDbTime,
  toIsoSeconds,
  toIsoSecondsCeil,
} from '../../src/core/dates.js';

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
  });

  it('refuses anything that is not a plain real day', () => {
    for (const text of ['2011-02-30', '2011-13-01', 'garbage', '', '2011-04-21T00:00:00Z', '2011-04-21 10:00']) {
      expect(parseCalendarDate(text), text).toBeNull();
    }
  });
});

describe('timestamp formats', () => {
  const ms = Date.UTC(2011, 3, 21, 3, 1, 51, 250);

  it('toIsoSeconds truncates to the second', () => {
    expect(toIsoSeconds(ms)).toBe('2011-04-21T03:01:51Z');
    expect(toIsoSeconds(Date.UTC(2011, 3, 21, 3, 1, 51))).toBe('2011-04-21T03:01:51Z');
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
