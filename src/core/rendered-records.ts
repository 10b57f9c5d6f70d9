/**
 * Each record's wire form, rendered and encoded once. A record is replaced, never edited, when it
 * changes, so a kept rendering can never go stale, and it is dropped with its record. A list page
 * is then its records' bytes copied into one buffer: no string to build, flatten or encode.
 */
export function renderOnce<R extends object>(render: (record: R) => string): (record: R) => Buffer {
  const kept = new WeakMap<R, Buffer>();
  return (record) => {
    let bytes = kept.get(record);
    if (bytes === undefined) {
      bytes = Buffer.from(render(record));
      kept.set(record, bytes);
    }
    return bytes;
  };
}

/** `head`, the items with `separator` between them, then `tail`, copied into one buffer. */
export function joinBytes(head: Buffer, items: readonly Buffer[], separator: Buffer | null, tail: Buffer): Buffer {
  const gaps = separator === null ? 0 : separator.length * Math.max(0, items.length - 1);
  let length = head.length + tail.length + gaps;
  for (const item of items) length += item.length;
  const out = Buffer.allocUnsafe(length);
  let at = head.copy(out, 0);
  for (const [position, item] of items.entries()) {
    if (separator !== null && position > 0) at += separator.copy(out, at);
    at += item.copy(out, at);
  }
  tail.copy(out, at);
  return out;
}
