import { EARLIEST_MS, LATEST_MS } from './dates.js';

/**
 * A tenant's clock. Its state is plain data so it lives in the store beside the tenant's
 * records (and survives persistence later); these functions are the only way to read or move it.
 */
export interface ClockState {
  /** Epoch ms the clock is stopped at, or null while it runs. */
  frozenAt: number | null;
  /** How far a running clock is ahead of (or behind) real time, in ms. */
  offsetMs: number;
}

/** 0000-01-01T00:00:00.000Z: the earliest time a clock holds (stored times have four-digit years). */
export const MIN_CLOCK_MS = EARLIEST_MS;
/** 9999-12-31T23:59:59.999Z: the latest time a clock holds. */
export const MAX_CLOCK_MS = LATEST_MS;

/**
 * A clock move whose result a four-digit year cannot hold. Every timestamp a tenant writes comes
 * from its clock and is stored as "YYYY-MM-DDThh:mm:ssZ", so a clock outside 0000–9999 would
 * make every later write (and every listing of the tenant) fail.
 */
export class ClockRangeError extends RangeError {
  readonly code = 'CLOCK_RANGE';
  constructor(readonly ms: number) {
    super(
      `the clock would read ${describeMs(ms)}; it holds 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z (epoch ms ${MIN_CLOCK_MS} to ${MAX_CLOCK_MS})`,
    );
  }
}

function describeMs(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `epoch ms ${ms}` : date.toISOString();
}

/** Throws ClockRangeError unless `ms` is a time the clock may hold. */
export function assertClockTime(ms: number): number {
  if (!(ms >= MIN_CLOCK_MS && ms <= MAX_CLOCK_MS)) throw new ClockRangeError(ms);
  return ms;
}

/**
 * The clock a tenant was made with: stopped at `at`, or running from `at` (epoch ms). A reset
 * starts it over from the same reading.
 */
export interface ClockSpec {
  at: number;
  frozen: boolean;
}

/** A clock as a spec describes it, as of now. */
export function clockOf(spec: ClockSpec): ClockState {
  const clock = realTimeClock();
  if (spec.frozen) freezeClock(clock, spec.at);
  else setClock(clock, spec.at);
  return clock;
}

/** A clock that follows real time. */
export function realTimeClock(): ClockState {
  return { frozenAt: null, offsetMs: 0 };
}

/**
 * The clock's current time in epoch ms. A running clock set near either end of the range stays
 * at that end instead of running out of it.
 */
export function clockNow(clock: ClockState, wallMs: number = Date.now()): number {
  if (clock.frozenAt !== null) return clock.frozenAt;
  return Math.min(MAX_CLOCK_MS, Math.max(MIN_CLOCK_MS, wallMs + clock.offsetMs));
}

// Every move below works out the time the clock would read, checks it, and only then changes
// the state: a refused move leaves the clock exactly as it was.

/** Stops the clock at `at` (epoch ms), or where it stands now. */
export function freezeClock(clock: ClockState, at?: number): void {
  clock.frozenAt = assertClockTime(at ?? clockNow(clock));
}

/** Moves the clock to `at`; a frozen clock stays frozen there, a running one runs on from it. */
export function setClock(clock: ClockState, at: number): void {
  assertClockTime(at);
  if (clock.frozenAt !== null) clock.frozenAt = at;
  else clock.offsetMs = at - Date.now();
}

/** Moves the clock forward (or back, when negative) by `ms`. */
export function advanceClock(clock: ClockState, ms: number): void {
  const wall = Date.now();
  const target = assertClockTime(clockNow(clock, wall) + ms);
  if (clock.frozenAt !== null) clock.frozenAt = target;
  else clock.offsetMs = target - wall;
}

/** Returns the clock to real time. */
export function releaseClock(clock: ClockState): void {
  clock.frozenAt = null;
  clock.offsetMs = 0;
}
