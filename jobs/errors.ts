/**
 * Errors as control flow for job handlers: an `UnrecoverableJobError` means "retrying cannot help" (a payload that
 * names nothing, a definition that no longer exists). Both drivers stop retrying on it.
 */
export class UnrecoverableJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnrecoverableJobError";
  }
}
