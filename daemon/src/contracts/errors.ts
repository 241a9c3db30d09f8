// How a refused body is described, the same way on every wire: an HTTP 400,
// an MQTT cmd-result, `callpoint config check`. Each problem names its field
// by path (`target.number`, `points[2].escalation.targets[0].ringS`).
import { z } from 'zod';

export const fieldError = z.object({ path: z.string(), message: z.string() });
export type FieldError = z.infer<typeof fieldError>;

/** The body of every error answer: `error` for a person, `errors` per field when a body was invalid. */
export const errorBody = z.object({
  error: z.string(),
  errors: z.array(fieldError).optional(),
  retryAfterS: z.number().optional(),
  field: z.string().optional(),
});
export type ErrorBody = z.infer<typeof errorBody>;

/** `a.b[2].c` from a zod issue path. */
export function pathText(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

/** Every problem of a refused value, with its field. A missing field says so in words. */
export function fieldErrors(err: z.ZodError, limit = 20): FieldError[] {
  return err.issues.slice(0, limit).map((i) => {
    const path = pathText(i.path);
    const missing = i.code === 'invalid_type' && /received undefined/.test(i.message);
    return { path: path || '(body)', message: missing ? 'required' : i.message };
  });
}

/** One line for a log, an audit row or a cmd-result: "target.number: a phone number is …; timeoutS: …". */
export function describeFieldErrors(errors: FieldError[], limit = 5): string {
  const shown = errors.slice(0, limit).map((e) => `${e.path}: ${e.message}`);
  return errors.length > limit ? `${shown.join('; ')}; and ${errors.length - limit} more` : shown.join('; ');
}
