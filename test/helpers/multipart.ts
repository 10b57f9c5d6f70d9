/**
 * multipart/form-data bodies built by hand, byte for byte, so a test can also cut, corrupt or
 * stream them.
 */

/** The boundary of every body built here unless a test names another. */
export const BOUNDARY = '----pos-sandbox-test-boundary';

/** The Content-Type header of a body built with `boundary`. */
export function multipartType(boundary: string = BOUNDARY): string {
  return `multipart/form-data; boundary=${boundary}`;
}

/** The Content-Type header of a body built with the default boundary. */
export const MULTIPART_TYPE = multipartType();

/** A text field, or a file: its bytes, its file name and (else the body's `fileType`) its Content-Type. */
export type Part = [name: string, value: string] | [name: string, bytes: Buffer, fileName: string, type?: string];

export interface MultipartOptions {
  /** The boundary; BOUNDARY unless given. */
  boundary?: string;
  /** The Content-Type of a file part that names none; application/octet-stream unless given. */
  fileType?: string;
}

/** The boundary line and headers that open a part, up to the blank line before its value. */
export function partHead(name: string, fileName?: string, options: MultipartOptions = {}): string {
  const disposition =
    fileName === undefined
      ? `Content-Disposition: form-data; name="${name}"`
      : `Content-Disposition: form-data; name="${name}"; filename="${fileName}"\r\n` +
        `Content-Type: ${options.fileType ?? 'application/octet-stream'}`;
  return `--${options.boundary ?? BOUNDARY}\r\n${disposition}\r\n\r\n`;
}

/** A whole multipart/form-data body of `parts`, in order, closed by the final boundary. */
export function multipart(parts: readonly Part[], options: MultipartOptions = {}): Buffer {
  const chunks: Buffer[] = [];
  for (const [name, value, fileName, type] of parts) {
    chunks.push(Buffer.from(partHead(name, fileName, type === undefined ? options : { ...options, fileType: type })));
    chunks.push(typeof value === 'string' ? Buffer.from(value) : value);
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${options.boundary ?? BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}
