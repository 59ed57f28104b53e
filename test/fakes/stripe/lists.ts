/**
 * Stripe's list endpoints: newest first, `limit`, `starting_after` / `ending_before` cursors by object id, and
 * `created[gt|gte|lt|lte]` filters, in the shape the SDK's auto-pagination walks.
 */
import { invalid, notFound, rejectUnknownParameters } from "./errors.js";
import { type FormObject, type FormValue, formInteger, formString } from "./form.js";
import type { FakeList } from "./objects.js";

interface Listable {
  id: string;
  created: number;
}

export interface ListSpec<T> {
  /** e.g. `/v1/refunds`. */
  url: string;
  /** The object's name in Stripe's "No such …" message for an unknown cursor. */
  objectName: string;
  /** Filters beyond `created`, by parameter name: whether an object matches the parameter's value. */
  filters?: Record<string, (item: T, value: FormValue) => boolean>;
}

const PAGINATION_PARAMETERS = ["limit", "starting_after", "ending_before", "created", "expand"] as const;

/** Newest first by `created`; objects created in the same second newest first by creation (insertion) order. */
export function newestFirst<T extends Listable>(items: Iterable<T>): T[] {
  // Array#sort is stable: reversing insertion order first leaves ties newest first.
  return [...items].reverse().sort((a, b) => b.created - a.created);
}

/** One page of a Stripe list over `items` (in insertion order), as `GET` with `query` would return it. */
export function listPage<T extends Listable>(items: Iterable<T>, query: FormObject, spec: ListSpec<T>): FakeList<T> {
  const filters = spec.filters ?? {};
  rejectUnknownParameters(query, [...PAGINATION_PARAMETERS, ...Object.keys(filters)]);
  const limit = readLimit(query.limit);
  const startingAfter = cursor(query, "starting_after");
  const endingBefore = cursor(query, "ending_before");
  if (startingAfter && endingBefore)
    throw invalid("You may only specify one of these parameters: ending_before, starting_after.");

  const sorted = newestFirst(items);
  const position = new Map(sorted.map((item, index) => [item.id, index]));
  const createdMatches = createdFilter(query.created);
  let candidates = sorted.filter(
    (item) =>
      createdMatches(item.created) &&
      Object.entries(filters).every(([param, matches]) => {
        const value = query[param];
        return value === undefined || matches(item, value);
      }),
  );

  let data: T[];
  let hasMore: boolean;
  if (endingBefore) {
    const at = cursorPosition(position, endingBefore, spec.objectName, "ending_before");
    candidates = candidates.filter((item) => (position.get(item.id) ?? 0) < at);
    // The page just newer than the cursor, still newest first; the SDK walks it backwards.
    data = candidates.slice(Math.max(0, candidates.length - limit));
    hasMore = candidates.length > limit;
  } else {
    const at = startingAfter ? cursorPosition(position, startingAfter, spec.objectName, "starting_after") : -1;
    candidates = candidates.filter((item) => (position.get(item.id) ?? 0) > at);
    data = candidates.slice(0, limit);
    hasMore = candidates.length > limit;
  }
  return { object: "list", data, has_more: hasMore, url: spec.url };
}

/** A list embedded in an object (e.g. a charge's `refunds`): the first `limit`, newest first. */
export function embeddedList<T extends Listable>(items: Iterable<T>, url: string, limit = 10): FakeList<T> {
  const sorted = newestFirst(items);
  return { object: "list", data: sorted.slice(0, limit), has_more: sorted.length > limit, url };
}

function readLimit(value: FormValue | undefined): number {
  if (value === undefined) return 10;
  const limit = formInteger(value);
  if (limit === undefined) throw invalid(`Invalid integer: ${String(value)}`, "limit");
  if (limit < 1 || limit > 100)
    throw invalid("This value must be greater than or equal to 1 and less than or equal to 100.", "limit");
  return limit;
}

function cursor(query: FormObject, param: string): string | undefined {
  const value = query[param];
  if (value === undefined) return undefined;
  const id = formString(value);
  if (!id) throw invalid(`Invalid ${param}: must be an object id`, param);
  return id;
}

function cursorPosition(position: Map<string, number>, id: string, objectName: string, param: string): number {
  const at = position.get(id);
  if (at === undefined) throw notFound(objectName, id, param);
  return at;
}

/** `created=<ts>` or `created[gt|gte|lt|lte]=<ts>`, in unix seconds. */
function createdFilter(value: FormValue | undefined): (created: number) => boolean {
  if (value === undefined) return () => true;
  if (typeof value === "string") {
    const exact = formInteger(value);
    if (exact === undefined) throw invalid(`Invalid integer: ${value}`, "created");
    return (created) => created === exact;
  }
  if (Array.isArray(value)) throw invalid("Invalid hash", "created");
  const bounds: ((created: number) => boolean)[] = [];
  for (const [operator, raw] of Object.entries(value)) {
    const bound = formInteger(raw);
    if (bound === undefined) throw invalid(`Invalid integer: ${String(raw)}`, `created[${operator}]`);
    if (operator === "gt") bounds.push((created) => created > bound);
    else if (operator === "gte") bounds.push((created) => created >= bound);
    else if (operator === "lt") bounds.push((created) => created < bound);
    else if (operator === "lte") bounds.push((created) => created <= bound);
    else throw invalid(`Received unknown parameter: created[${operator}]`, `created[${operator}]`);
  }
  return (created) => bounds.every((matches) => matches(created));
}

/** A filter matching a field equal to the parameter's string value, e.g. `charge=ch_…`. */
export function equals<T>(field: (item: T) => unknown): (item: T, value: FormValue) => boolean {
  return (item, value) => typeof value === "string" && field(item) === value;
}
