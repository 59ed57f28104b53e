/**
 * Prometheus metrics of the job drivers (prom-client), in one registry the HTTP server exposes at /metrics.
 */
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: "lyceum_" });

const jobsFinished = new Counter({
  name: "lyceum_jobs_total",
  help: "Jobs run, by name and outcome (completed, failed, retried, unrecoverable)",
  labelNames: ["job", "outcome"] as const,
  registers: [metricsRegistry],
});

const jobDuration = new Histogram({
  name: "lyceum_job_duration_seconds",
  help: "How long a job's handler ran",
  labelNames: ["job"] as const,
  buckets: [0.005, 0.02, 0.1, 0.5, 2, 10, 30, 120],
  registers: [metricsRegistry],
});

const jobLatency = new Histogram({
  name: "lyceum_job_wait_seconds",
  help: "Time from when a job was due to when a worker started it",
  labelNames: ["job"] as const,
  buckets: [0.005, 0.02, 0.1, 0.5, 2, 10, 60],
  registers: [metricsRegistry],
});

export type JobOutcome = "completed" | "failed" | "retried" | "unrecoverable";

export function observeJob(job: string, outcome: JobOutcome, durationMs: number, waitMs: number): void {
  jobsFinished.inc({ job, outcome });
  jobDuration.observe({ job }, durationMs / 1000);
  jobLatency.observe({ job }, Math.max(0, waitMs) / 1000);
}
