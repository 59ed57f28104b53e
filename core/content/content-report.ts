/**
 * What an import did, course by course and lesson by lesson: the CLI prints it, tests assert on it.
 */
import type { ContentProblem } from "./front-matter.js";

export type LessonOutcome = "created" | "updated" | "unchanged" | "unpublished";
export type CourseOutcome = "created" | "updated" | "unchanged";

export interface LessonReport {
  slug: string;
  outcome: LessonOutcome;
  /** Fields that changed (`contentEn`, `position`, `attachments` …); empty when created or unchanged. */
  changes: string[];
}

export interface CourseReport {
  folder: string;
  slug: string;
  productId: number;
  outcome: CourseOutcome;
  /** Fields of the product that changed (`summaryEn`, `offer`, `tags` …); lesson changes are in `lessons`. */
  changes: string[];
  lessons: LessonReport[];
}

export interface ImportReport {
  /** False when any file was refused: then nothing at all was written. */
  ok: boolean;
  problems: ContentProblem[];
  courses: CourseReport[];
}

/** `01-intro.md:4: price must be …`, one line per problem, in file order. */
export function formatProblem(problem: ContentProblem): string {
  return `${problem.file}:${problem.line}: ${problem.reason}`;
}
