import { keptBytes } from '../../core/text-parts.js';
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

/** What fills the slots: one tenant's organization, seen from one origin. */
export interface Fill {
  organization: string;
  uploads: string;
}

// Fills are kept per organization object (each tenant's own; a reset replaces it) and origin, so
// the bytes kept for them below are a tenant's own and last as long as its data. The origin is
// the client's Host header: a client sending many of them only replaces the few kept.
const fills = new WeakMap<object, Map<string, Fill>>();
const ORIGINS_KEPT = 8;

/** The fill for an organization (its stored object, its name) and `<origin>/<upload directory>`. */
export function fillFor(organization: object, name: string, uploadsUrl: string): Fill {
  let byUploads = fills.get(organization);
  if (!byUploads) {
    byUploads = new Map();
    fills.set(organization, byUploads);
  }
  let fill = byUploads.get(uploadsUrl);
  if (!fill) {
    if (byUploads.size >= ORIGINS_KEPT) byUploads.clear();
    fill = { organization: JSON.stringify(name), uploads: escapeInString(uploadsUrl) };
    byUploads.set(uploadsUrl, fill);
  }
  return fill;
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

// Each rendering's bytes for each fill. They are kept as UTF-8 rather than as text: a page is
// ~160 KB of JSON, and encoding text that holds any non-ASCII letter (a name with "é") to UTF-8
// on every request took more time than everything else the list does; copying kept bytes into
// the page is a memcpy.
const filled = new WeakMap<Fill, WeakMap<readonly Piece[], Buffer>>();

/** The record's JSON for a fill, as UTF-8 bytes (kept; never write into them). */
export function filledBytes(pieces: readonly Piece[], fill: Fill): Buffer {
  let kept = filled.get(fill);
  if (!kept) {
    kept = new WeakMap();
    filled.set(fill, kept);
  }
  let bytes = kept.get(pieces);
  if (!bytes) {
    bytes = keptBytes(fillPieces(pieces, fill));
    kept.set(pieces, bytes);
  }
  return bytes;
}

/** Fills a rendering's slots: the record's JSON text for this request. */
export function fillPieces(pieces: readonly Piece[], fill: Fill): string {
  return pieces
    .map((piece) => (typeof piece === 'string' ? piece : piece === ORGANIZATION ? fill.organization : fill.uploads))
    .join('');
}
