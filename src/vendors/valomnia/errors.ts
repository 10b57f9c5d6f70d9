/**
 * Valomnia's wire strings, verbatim, and the error every refusal is thrown as. Its API is a
 * Grails app behind Spring Security: texts the pages document are quoted from them; the others
 * are the frameworks' defaults (see docs/valomnia.md).
 */

/** Spring Security's answer to an API call without a live session. */
export const UNAUTHORIZED_TEXT = 'Full authentication is required to access this resource';
/** The 500 text, the same on every page of the vendor's reference. */
export const SERVER_ERROR_TEXT = 'Oops! Something went wrong...';
/** Grails spring-security-core's ajax login failure. */
export const LOGIN_FAILED_TEXT = 'Sorry, we were not able to find a user with that username and password.';
/** An unrouted path under the API's prefixes. */
export const UNKNOWN_PATH_TEXT = "The requested resource doesn't exist.";
/** The ajaxSuccess warning, shown on every login. */
export const DEPRECATION_WARNING = {
  warning_code: 'deprecated_version',
  warning_description: 'All versions older than 1.0 version are deprecated and will be removed in the next release',
} as const;
/** A delete's 200 body; "true" is a string on the vendor's wire. */
export const DELETED_BODY = { success: 'true', success_description: 'Instance deleted successfully' } as const;

/** A request the vendor refuses: a status and its `{"error", "error_description"}` body. */
export class ValomniaError extends Error {
  readonly code = 'VALOMNIA';
  constructor(
    readonly statusCode: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

/** Query parameters a list does not take, all of them, in the order sent. */
export function invalidParams(names: readonly string[]): ValomniaError {
  return new ValomniaError(
    400,
    'invalid_param',
    `The parameters [${names.join(', ')}] you provided are not valid for this request.`,
  );
}

/** A parameter whose value is not of its type (`name` may be words: "payment type id"). */
export function invalidParamType(name: string): ValomniaError {
  return new ValomniaError(
    400,
    'invalid_param_type',
    `The type of parameter ${name} you provided is not valid for this request.`,
  );
}

/** A date filter that is not ISO-8601. */
export function invalidDatetime(value: string): ValomniaError {
  return new ValomniaError(
    400,
    'invalid_datetime_format',
    `Invalid datetime filter (not ISO-8601 formatted): [${value}]`,
  );
}

export function missingParam(name: string): ValomniaError {
  return new ValomniaError(400, 'missing_param', `${name} parameter is missing`);
}

export function referenceTaken(): ValomniaError {
  return new ValomniaError(400, 'not_unique', 'reference already used');
}

/** GORM refused the record (a text longer than its column). */
export function saveFailed(): ValomniaError {
  return new ValomniaError(400, 'save_failed', 'Failed to save instance.');
}

export function deleteFailed(): ValomniaError {
  return new ValomniaError(400, 'delete_failed', 'Failed to delete instance.');
}

export function imageTooLarge(): ValomniaError {
  return new ValomniaError(400, 'exceeded_file_size', 'image size should not exceed 2Mo');
}

export function imageUnsupported(): ValomniaError {
  return new ValomniaError(400, 'unsupported_file_type', 'image format not supported.');
}

/** "The customer category with the id 9 doesn't exist." (`words` names the resource). */
export function notFound(words: string, id: string | number): ValomniaError {
  return new ValomniaError(404, 'not_found', `The ${words} with the id ${id} doesn't exist.`);
}

export function currencyUnknown(code: string): ValomniaError {
  return new ValomniaError(404, 'not_found', `The currency with name ${code} doesn't exist.`);
}

export function currencyNotConfigured(code: string): ValomniaError {
  return new ValomniaError(404, 'not_found', `The currency with name ${code} is not configured.`);
}

export function selfParent(): ValomniaError {
  return new ValomniaError(404, 'not_found', 'The customer cannot be a subcustomer of itself.');
}
