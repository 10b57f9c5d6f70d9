/**
 * MYPOS Connect's wire strings. Its API is ASP.NET Web API: errors the framework raises carry
 * `{"Message": …}` with ASP.NET's own texts; errors the API raises carry `{"failureDescription": …}`.
 * Texts the vendor does not document are the sandbox's (docs/myposconnect.md).
 */

export const DENIED_TEXT = 'Authorization has been denied for this request.';
export const SERVER_ERROR_TEXT = 'An error has occurred.';
export const INVALID_REQUEST_TEXT = 'The request is invalid.';
export const TOO_LARGE_TEXT = 'The request is too large.';

/** ASP.NET's 404 for a path no route takes, naming the URI the client called. */
export function noResourceText(uri: string): string {
  return `No HTTP resource was found that matches the request URI '${uri}'.`;
}

/** ASP.NET's 405 for a method a known path does not take. */
export function methodNotSupportedText(method: string): string {
  return `The requested resource does not support http method '${method}'.`;
}

export const TOKEN_TEXTS = {
  noBasic: 'Basic authentication with an email and password is required.',
  unreadable: 'The Basic credentials could not be read.',
  blank: 'The email and password are required.',
  tooLong: 'The email is too long.',
  dailyLimit: 'The daily limit of 250 bearer tokens for this user has been reached.',
  /** Strict mode, for a user no tenant was made for; the vendor's text for a wrong login is not published. */
  unknownUser: 'The email or password is incorrect.',
} as const;

export const NOT_FOUND_TEXT = 'Customer not found.';
export const NOT_AN_OBJECT_TEXT = 'The request body must be a customer object.';
export const NAME_REQUIRED_TEXT = 'customerName is required.';
export const IDS_MISMATCH_TEXT = 'customerId and customerCode must match the customer being updated.';
export const HAS_SALES_TEXT = 'The customer has transactions and cannot be deleted; it has been set to inactive.';

/** An answer of the API itself: a status and `{"failureDescription": …}`. */
export class MyposError extends Error {
  readonly code = 'MYPOS';
  constructor(
    readonly statusCode: number,
    readonly failureDescription: string,
  ) {
    super(failureDescription);
  }
}

/** An answer of the framework: a status and `{"Message": …}`. */
export class MyposFrameworkError extends Error {
  readonly code = 'MYPOS_FRAMEWORK';
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}
