/**
 * Records are rendered once (see core/rendered-records) but two parts of their JSON differ
 * between tenants sharing a seeded record and between requests: the organization's name, and
 * the origin and upload directory an image URL starts with. A rendering is therefore kept as
 * pieces: JSON text with those two slots left open, filled per request.
 */

/** The organization's name, as a JSON string. */
export const ORGANIZATION = Symbol('organization');
/** `<origin>/<upload directory>`, JSON-escaped, inside an image URL's string. */
export const UPLOADS = Symbol('uploads');

export type Slot = typeof ORGANIZATION | typeof UPLOADS;
export type Piece = string | Slot;

/** What fills the slots for one request. */
export interface Fill {
  organization: string;
  uploads: string;
}

/** A JSON fragment that is already pieces (a slot, or an image URL around one). */
export class Fragment {
  constructor(readonly pieces: readonly Piece[]) {}
}

/** The organization field's value. */
export const ORGANIZATION_FIELD = new Fragment([ORGANIZATION]);

/** An image URL under the organization's uploads: `"<origin>/<dir>/<folder>/<name>"`. */
export function imageUrl(folder: string, fileName: string): Fragment {
  return new Fragment(['"', UPLOADS, `/${escapeInString(folder)}/${escapeInString(fileName)}"`]);
}

/** Text as it stands inside a JSON string (without the quotes). */
export function escapeInString(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** The pieces of a JSON value: plain objects keep their key order; Fragments are taken as they are. */
export function piecesOf(value: unknown): Piece[] {
  const out: Piece[] = [];
  write(value, out);
  return merge(out);
}

function write(value: unknown, out: Piece[]): void {
  if (value instanceof Fragment) {
    out.push(...value.pieces);
  } else if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, at) => {
      if (at > 0) out.push(',');
      write(item, out);
    });
    out.push(']');
  } else if (value !== null && typeof value === 'object') {
    out.push('{');
    let first = true;
    for (const [key, inner] of Object.entries(value)) {
      out.push(`${first ? '' : ','}${JSON.stringify(key)}:`);
      first = false;
      write(inner, out);
    }
    out.push('}');
  } else {
    out.push(JSON.stringify(value ?? null));
  }
}

function merge(pieces: Piece[]): Piece[] {
  const merged: Piece[] = [];
  for (const piece of pieces) {
    const last = merged.length - 1;
    if (typeof piece === 'string' && typeof merged[last] === 'string') merged[last] += piece;
    else merged.push(piece);
  }
  return merged;
}

/** Fills a rendering's slots: the record's JSON text for this request. */
export function fillPieces(pieces: readonly Piece[], fill: Fill): string {
  if (pieces.length === 1 && typeof pieces[0] === 'string') return pieces[0];
  let text = '';
  for (const piece of pieces) {
    text += typeof piece === 'string' ? piece : piece === ORGANIZATION ? fill.organization : fill.uploads;
  }
  return text;
}
