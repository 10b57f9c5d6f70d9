import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  advanceClock,
  type ClockState,
  clockNow,
  freezeClock,
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
