/**
 * A `*` wildcard match (any run of characters, `/` included); without a `*` the match is exact.
 * Matched segment by segment, never as a regular expression, whose backtracking a pattern like
 * `*a*a*a*a*b` could make take minutes: the time is linear in the value's length. A null value
 * never matches, as SQL's LIKE never matches NULL. Valomnia's list filters compare without case;
 * the control API's path patterns compare exactly.
 */
export function wildcardMatcher(
  pattern: string,
  options: { ignoreCase: boolean } = { ignoreCase: true },
): (value: string | null) => boolean {
  const fold = options.ignoreCase ? (text: string) => text.toLowerCase() : (text: string) => text;
  const parts = fold(pattern).split('*');
  if (parts.length === 1) {
    const exact = parts[0] ?? '';
    return (value) => value !== null && fold(value) === exact;
  }
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  const middle = parts.slice(1, -1).filter((part) => part !== '');
  return (value) => {
    if (value === null) return false;
    const text = fold(value);
    if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
    let at = first.length;
    const stop = text.length - last.length;
    for (const part of middle) {
      const found = text.indexOf(part, at);
      if (found === -1 || found + part.length > stop) return false;
      at = found + part.length;
    }
    return true;
  };
}
