/**
 * Structured logs (pino) on stderr, so the console chat keeps stdout to itself. Secrets are redacted by path.
 */
import { pino } from "pino";

/**
 * @param options.sync write each line before returning (for the last lines before an exit); default: buffered by
 *   the event loop, flushed at exit.
 */
export function createLogger(level: string, options: { sync?: boolean } = {}) {
  return pino(
    {
      level,
      redact: {
        paths: [
          "req.headers.authorization",
          'req.headers["stripe-signature"]',
          "*.secretKey",
          "*.webhookSecret",
          "*.token",
          "config.STRIPE_SECRET_KEY",
          "config.STRIPE_WEBHOOK_SECRET",
        ],
        censor: "[redacted]",
      },
    },
    pino.destination({ dest: 2, sync: options.sync ?? false }),
  );
}

export type AppLogger = ReturnType<typeof createLogger>;
