/**
 * Each record's wire form, rendered once. A record is replaced, never edited, when it changes, so
 * a kept rendering can never go stale, and it is dropped with its record. A page of renderings
 * kept as bytes goes out as its parts (see TextParts): copied once, into an answer buffer used
 * round and round. (A page built as a Buffer of its own costs an external allocation per request,
 * and external memory growing at tens of MB/s between scavenges set off a mark-compact every
 * ~100 ms, whose pause grows with the tenant's records: the p99 of a 100-record page went from
 * 1 ms to 6-10 ms. A page joined into one string is a 100 KB string to build and encode.)
 */
export function renderOnce<R extends object, A extends unknown[], T>(
  render: (record: R, ...context: A) => T,
): (record: R, ...context: A) => T {
  const kept = new WeakMap<R, T>();
  return (record, ...context) => {
    let rendered = kept.get(record);
    if (rendered === undefined) {
      rendered = render(record, ...context);
      kept.set(record, rendered);
    }
    return rendered;
  };
}
