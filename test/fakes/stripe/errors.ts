/** Stripe's error answers, thrown by the fake's routes and turned into `{ error }` bodies by its server. */

export interface FakeResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface StripeErrorBody {
  type: string;
  message: string;
  code?: string;
  param?: string;
}

export class StripeFakeError extends Error {
  constructor(
    readonly status: number,
    readonly error: StripeErrorBody,
  ) {
    super(error.message);
  }
}

export function notFound(objectName: string, id: string, param = "id"): StripeFakeError {
  return new StripeFakeError(404, {
    type: "invalid_request_error",
    code: "resource_missing",
    param,
    message: `No such ${objectName}: '${id}'`,
  });
}

export function invalid(message: string, param?: string, code?: string): StripeFakeError {
  return new StripeFakeError(400, {
    type: "invalid_request_error",
    message,
    ...(param ? { param } : {}),
    ...(code ? { code } : {}),
  });
}

/** Stripe rejects any parameter it does not know; the fake also rejects the ones it does not model, saying so. */
export function unknownParameter(param: string): StripeFakeError {
  return invalid(
    `Received unknown parameter: ${param} (or one the Stripe fake does not model; extend test/fakes/stripe).`,
    param,
    "parameter_unknown",
  );
}

export function rejectUnknownParameters(params: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(params)) if (!allowed.includes(key)) throw unknownParameter(key);
}
