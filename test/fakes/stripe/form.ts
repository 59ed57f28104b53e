/** Stripe's form encoding: request bodies and query strings, `a[b][0][c]=1`, read the way Stripe reads them. */

// --- Form encoding (Stripe's request bodies and query strings)

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };
type FormContainer = FormValue[] | FormObject;

/** Parses `a[b][0][c]=1&a[b][0][d]=2` into `{ a: { b: [{ c: "1", d: "2" }] } }`, as Stripe reads its parameters. */
export function parseStripeForm(encoded: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(encoded)) {
    assignFormValue(root, splitFormKey(key), value);
  }
  return root;
}

function splitFormKey(key: string): string[] {
  const match = /^([^[\]]+)((?:\[[^\]]*\])*)$/.exec(key);
  if (!match) return [key];
  const nested = [...(match[2] ?? "").matchAll(/\[([^\]]*)\]/g)].map((part) => part[1] ?? "");
  return [match[1] ?? key, ...nested];
}

function assignFormValue(root: FormObject, segments: string[], value: string): void {
  let current: FormContainer = root;
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index] ?? "";
    const key = segment === "" && Array.isArray(current) ? String(current.length) : segment;
    if (index === segments.length - 1) {
      setFormChild(current, key, value);
      return;
    }
    let child = getFormChild(current, key);
    if (child === undefined || typeof child === "string") {
      child = /^\d*$/.test(segments[index + 1] ?? "") ? [] : {};
      setFormChild(current, key, child);
    }
    current = child;
  }
}

function getFormChild(container: FormContainer, key: string): FormValue | undefined {
  return Array.isArray(container) ? container[Number(key)] : container[key];
}

function setFormChild(container: FormContainer, key: string, value: FormValue): void {
  if (Array.isArray(container)) container[Number(key)] = value;
  else container[key] = value;
}

/** Reads a nested parameter: `formAt(body, "line_items", 0, "price_data", "currency")`. */
export function formAt(value: FormValue | undefined, ...path: (string | number)[]): FormValue | undefined {
  let current = value;
  for (const key of path) {
    if (current === undefined || typeof current === "string") return undefined;
    current = Array.isArray(current) ? current[Number(key)] : current[String(key)];
  }
  return current;
}

export function formString(value: FormValue | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function formInteger(value: FormValue | undefined): number | undefined {
  const text = formString(value);
  return text !== undefined && /^-?\d+$/.test(text) ? Number(text) : undefined;
}

export function formStringMap(value: FormValue | undefined): Record<string, string> {
  if (value === undefined || typeof value === "string" || Array.isArray(value)) return {};
  const result: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) if (typeof entry === "string") result[key] = entry;
  return result;
}

export function formStringList(value: FormValue | undefined): string[] | null {
  if (!Array.isArray(value)) return null;
  return value.filter((entry): entry is string => typeof entry === "string");
}
