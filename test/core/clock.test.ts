import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  advanceClock,
  ClockRangeError,
  type ClockState,
  clockNow,
  freezeClock,
  MAX_CLOCK_MS,
  MIN_CLOCK_MS,
  realTimeClock,
  releaseClock,
  setClock,
} from '../../src/core/clock.js';

const WALL = Date.UTC(2025, 0, 1, 12, 0, 0);
const AT = Date.UTC(2011, 3, 21, 3, 1, 51);

beforeEach(() => {
  vi.useFakeTimers({ now: WALL, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('a real-time clock', () => {
  it('follows the wall clock', () => {
    const clock = realTimeClock();
    expect(clock).toEqual({ frozenAt: null, offsetMs: 0 });
    expect(clockNow(clock)).toBe(WALL);
    vi.advanceTimersByTime(1500);
    expect(clockNow(clock)).toBe(WALL + 1500);
  });

  it('reads against an explicit wall time when given one', () => {
    expect(clockNow(realTimeClock(), AT)).toBe(AT);
    expect(clockNow({ frozenAt: null, offsetMs: 60_000 }, AT)).toBe(AT + 60_000);
  });

  it('hands out independent states', () => {
    const a = realTimeClock();
    const b = realTimeClock();
    advanceClock(a, 1000);
    expect(clockNow(b)).toBe(WALL);
  });
});

describe('freezeClock', () => {
  it('stops the clock at the given time', () => {
    const clock = realTimeClock();
    freezeClock(clock, AT);
    expect(clockNow(clock)).toBe(AT);
    vi.advanceTimersByTime(60_000);
    expect(clockNow(clock)).toBe(AT);
    expect(clockNow(clock, WALL + 999_999)).toBe(AT);
  });

  it('without a time, stops it where it stands, offset included', () => {
    const clock: ClockState = { frozenAt: null, offsetMs: -5000 };
    freezeClock(clock);
    expect(clock.frozenAt).toBe(WALL - 5000);
    vi.advanceTimersByTime(10_000);
    expect(clockNow(clock)).toBe(WALL - 5000);
  });
});

describe('setClock', () => {
  it('moves a frozen clock and keeps it frozen', () => {
    const clock = realTimeClock();
    freezeClock(clock, AT);
    setClock(clock, AT + 86_400_000);
    expect(clock.frozenAt).toBe(AT + 86_400_000);
    vi.advanceTimersByTime(5000);
    expect(clockNow(clock)).toBe(AT + 86_400_000);
  });

  it('moves a running clock, which then runs on from there', () => {
    const clock = realTimeClock();
    setClock(clock, AT);
    expect(clock.frozenAt).toBeNull();
    expect(clockNow(clock)).toBe(AT);
    vi.advanceTimersByTime(2500);
    expect(clockNow(clock)).toBe(AT + 2500);
  });
});

describe('advanceClock', () => {
  it('moves a frozen clock forward and back', () => {
    const clock = realTimeClock();
    freezeClock(clock, AT);
    advanceClock(clock, 60_000);
    expect(clockNow(clock)).toBe(AT + 60_000);
    advanceClock(clock, -3_600_000);
    expect(clockNow(clock)).toBe(AT + 60_000 - 3_600_000);
    expect(clock.frozenAt).not.toBeNull();
  });

  it('moves a running clock and keeps it running', () => {
    const clock = realTimeClock();
    advanceClock(clock, 60_000);
    expect(clockNow(clock)).toBe(WALL + 60_000);
    advanceClock(clock, 30_000);
    vi.advanceTimersByTime(1000);
    expect(clockNow(clock)).toBe(WALL + 91_000);
    expect(clock.frozenAt).toBeNull();
  });
});

describe('releaseClock', () => {
  it('returns a frozen clock to real time', () => {
    const clock = realTimeClock();
    freezeClock(clock, AT);
    advanceClock(clock, 60_000);
    releaseClock(clock);
    expect(clock).toEqual(realTimeClock());
    expect(clockNow(clock)).toBe(WALL);
  });

  it('drops the offset of a running clock', () => {
    const clock = realTimeClock();
    setClock(clock, AT);
    releaseClock(clock);
    vi.advanceTimersByTime(700);
    expect(clockNow(clock)).toBe(WALL + 700);
  });
});

describe('the range a clock holds', () => {
  const YEAR_0 = -62167219200000; // 0000-01-01T00:00:00.000Z
  const YEAR_10000 = 253402300800000; // 10000-01-01T00:00:00.000Z

  it('is every time from 0000-01-01T00:00:00Z to the last millisecond of 9999', () => {
    expect(MIN_CLOCK_MS).toBe(YEAR_0);
    expect(MAX_CLOCK_MS).toBe(YEAR_10000 - 1);
    expect(new Date(MIN_CLOCK_MS).toISOString()).toBe('0000-01-01T00:00:00.000Z');
    expect(new Date(MAX_CLOCK_MS).toISOString()).toBe('9999-12-31T23:59:59.999Z');
  });

  it('takes its two ends', () => {
    const clock = realTimeClock();
    freezeClock(clock, MIN_CLOCK_MS);
    expect(clockNow(clock)).toBe(MIN_CLOCK_MS);
    setClock(clock, MAX_CLOCK_MS);
    expect(clockNow(clock)).toBe(MAX_CLOCK_MS);
    advanceClock(clock, MIN_CLOCK_MS - MAX_CLOCK_MS);
    expect(clockNow(clock)).toBe(MIN_CLOCK_MS);
  });

  const refused: [string, (clock: ClockState) => void][] = [
    ['freeze at year 10000', (clock) => freezeClock(clock, YEAR_10000)],
    ['freeze before year 0', (clock) => freezeClock(clock, YEAR_0 - 1)],
    ['freeze at 1e300', (clock) => freezeClock(clock, 1e300)],
    ['freeze at -1e300', (clock) => freezeClock(clock, -1e300)],
    ['freeze at NaN', (clock) => freezeClock(clock, Number.NaN)],
    ['set to year 10000', (clock) => setClock(clock, YEAR_10000)],
    ['set before year 0', (clock) => setClock(clock, YEAR_0 - 1)],
    ['set to Infinity', (clock) => setClock(clock, Number.POSITIVE_INFINITY)],
    ['advance by 1e303 ms', (clock) => advanceClock(clock, 1e303)],
    ['advance by -1e303 ms', (clock) => advanceClock(clock, -1e303)],
    ['advance past 9999', (clock) => advanceClock(clock, YEAR_10000 - clockNow(clock))],
    ['advance before year 0', (clock) => advanceClock(clock, YEAR_0 - 1 - clockNow(clock))],
  ];

  describe.each([
    ['running', () => realTimeClock()],
    ['frozen', () => ({ frozenAt: WALL, offsetMs: 0 })],
    ['running ahead', () => ({ frozenAt: null, offsetMs: 60_000 })],
  ] as const)('on a %s clock', (_label, make) => {
    it.each(refused)('refuses to %s with a ClockRangeError and changes nothing', (_what, change) => {
      const clock: ClockState = make();
      const before = { ...clock };
      expect(() => change(clock)).toThrow(ClockRangeError);
      expect(clock).toEqual(before);
    });
  });

  it('names the time it refused and the range', () => {
    expect(() => setClock(realTimeClock(), YEAR_10000)).toThrow(/0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z/);
    const error = (() => {
      try {
        advanceClock(realTimeClock(), 1e303);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(RangeError);
    expect(error).toMatchObject({ code: 'CLOCK_RANGE' });
  });

  it('a running clock set near the end stops at the last millisecond of 9999 rather than run past it', () => {
    const clock = realTimeClock();
    setClock(clock, MAX_CLOCK_MS - 500);
    vi.advanceTimersByTime(2000);
    expect(clockNow(clock)).toBe(MAX_CLOCK_MS);
  });

  it('a running clock set at year 0 and run backwards in wall time stays at year 0', () => {
    const clock = realTimeClock();
    setClock(clock, MIN_CLOCK_MS);
    expect(clockNow(clock, WALL - 1000)).toBe(MIN_CLOCK_MS);
  });
});
