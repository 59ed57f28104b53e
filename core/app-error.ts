/**
 * The one error type of the domain. `code` is stable and maps to a translated, member-safe message in each adapter
 * (through `core/i18n`); `detail` is for logs only and is never shown to a member.
 */
export const ERROR_CODES = [
  "UNKNOWN_COMMAND",
  "BAD_ARGUMENTS",
  "FORBIDDEN",
  "NOT_FOUND",
  "PRODUCT_NOT_FOUND",
  "ORDER_NOT_FOUND",
  "MEMBER_NOT_FOUND",
  "REFUND_NOT_FOUND",
  "NOT_PAYABLE",
  "ALREADY_OWNED",
  "COUPON_INVALID",
  "OWN_ORDER",
  "REFUND_NOT_ALLOWED",
  "REFUND_ALREADY_REQUESTED",
  "PROVIDER_UNAVAILABLE",
  "INVALID_ACTION",
  "LINK_CODE_INVALID",
  "LINK_CODE_SAME_PLATFORM",
  "TOP_UP_SPENT",
  "OWN_WALLET",
  "INTERNAL",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class AppError extends Error {
  readonly code: ErrorCode;
  /** Values the translated message may show (ids, usage). Never secrets. */
  readonly params: Record<string, string | number>;

  constructor(code: ErrorCode, params: Record<string, string | number> = {}, detail?: string) {
    super(detail ?? code);
    this.name = "AppError";
    this.code = code;
    this.params = params;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
