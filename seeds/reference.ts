/** The fixed "now" every generated dataset is built around, so seeds never depend on the day. */
export const REFERENCE_DATE = new Date('2025-01-01T00:00:00Z');
