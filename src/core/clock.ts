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

/** A clock that follows real time. */
export function realTimeClock(): ClockState {
  return { frozenAt: null, offsetMs: 0 };
}

/** The clock's current time in epoch ms. */
export function clockNow(clock: ClockState, wallMs: number = Date.now()): number {
  return clock.frozenAt ?? wallMs + clock.offsetMs;
}

/** Stops the clock at `at` (epoch ms), or where it stands now. */
export function freezeClock(clock: ClockState, at?: number): void {
  clock.frozenAt = at ?? clockNow(clock);
}

/** Moves the clock to `at`; a frozen clock stays frozen there, a running one runs on from it. */
export function setClock(clock: ClockState, at: number): void {
  if (clock.frozenAt !== null) clock.frozenAt = at;
  else clock.offsetMs = at - Date.now();
}

/** Moves the clock forward (or back, when negative) by `ms`. */
export function advanceClock(clock: ClockState, ms: number): void {
  if (clock.frozenAt !== null) clock.frozenAt += ms;
  else clock.offsetMs += ms;
}

/** Returns the clock to real time. */
export function releaseClock(clock: ClockState): void {
  clock.frozenAt = null;
  clock.offsetMs = 0;
}
