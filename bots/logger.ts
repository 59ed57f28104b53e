/**
 * Structured logs (pino) on stderr, so the console chat keeps stdout to itself. Secrets are redacted by path.
 */
import { pino } from "pino";

export function createLogger(level: string) {
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
    pino.destination(2),
  );
}

export type AppLogger = ReturnType<typeof createLogger>;
