import { reasonPhrase } from '../../core/error-envelopes.js';

/** Imonggo's wire strings, verbatim. It is a Rails app, so most of them are Rails' defaults. */

/** Realm in the 401's WWW-Authenticate header (Rails' default realm). */
export const AUTH_REALM = 'Application';
/** Body of the 401 (Rails' http_basic_authenticate text, newline included). */
export const ACCESS_DENIED_BODY = 'HTTP Basic: Access denied.\n';

/** Validation messages the public PHP clients compare literally. */
export const NAME_BLANK = "Name can't be blank";
export const ALTERNATE_CODE_TAKEN = 'Alternate code has already been taken';
export const CODE_TAKEN = 'Code has already been taken';

/**
 * Reason phrases Rails' public exceptions app puts in its `<hash><error>` body where they differ
 * from HTTP's own (statusText falls back to those: Rack's table is the same for the rest).
 */
export const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The `<error>` text of a status: Rails' phrase. */
export function statusText(statusCode: number): string {
  return STATUS_TEXT[statusCode] ?? reasonPhrase(statusCode);
}

/** A request the vendor refuses with a status and its `<hash><status/><error/></hash>` body. */
export class ImonggoHttpError extends Error {
  readonly code = 'IMONGGO_HTTP';
  constructor(readonly statusCode: number) {
    super(statusText(statusCode));
  }
}

/** A record that failed validation: 422 with the Rails messages. */
export class ImonggoValidationError extends Error {
  readonly code = 'IMONGGO_VALIDATION';
  constructor(readonly messages: string[]) {
    super(messages.join(', '));
  }
}
