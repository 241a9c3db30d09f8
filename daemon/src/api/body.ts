// Request bodies are checked with the schemas in contracts/ — the same ones
// that describe the API to the UI and, for commands, to central. A body that
// does not fit is answered 400 with every problem on its field, worded as an
// MQTT command's refusal is: `invalid: to: a phone number is …`.
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { describeFieldErrors, fieldErrors, type ErrorBody } from '../contracts/errors.js';
import { phrase } from '../contracts/phrases/index.js';

/** The parsed body, or undefined after answering 400 naming each bad field. */
export function parseBody<S extends z.ZodType>(schema: S, req: Request, res: Response): z.output<S> | undefined {
  const r = schema.safeParse(req.body ?? {});
  if (r.success) return r.data;
  const errors = fieldErrors(r.error);
  const body: ErrorBody = { error: `invalid: ${describeFieldErrors(errors)}`, errors, field: errors[0]?.path };
  res.locals.error = body.error;
  res.locals.errorPhrase = phrase('audit.invalid', { fields: errors.map((e) => e.path).join(', ') });
  res.status(400).json(body);
  return undefined;
}

/** A path parameter checked against a pattern, or undefined after answering 400. */
export function paramOf(req: Request, res: Response, name: string, re: RegExp, message: string): string | undefined {
  const v = String(req.params[name]);
  if (re.test(v)) return v;
  const body: ErrorBody = { error: `invalid: ${name}: ${message}`, errors: [{ path: name, message }], field: name };
  res.locals.error = body.error;
  res.locals.errorPhrase = phrase('audit.invalid', { fields: name });
  res.status(400).json(body);
  return undefined;
}
