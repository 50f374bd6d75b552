/** Small helpers shared by the config schemas. */
import { Type, type TSchema } from '@sinclair/typebox';
import { Ajv } from 'ajv';

/** A string restricted to `values`, emitted as a plain `enum` (one clear error, good completion). */
export function StringEnum<T extends readonly string[]>(values: T, opts: Record<string, unknown> = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...opts });
}

/**
 * A validator reporting every error (`allErrors`), with the failing schema attached (`verbose`,
 * for wording), filling in the documented defaults (`useDefaults`), and honouring `discriminator`
 * so a union tagged by `type` reports the matching branch only.
 */
export function compile(schema: TSchema) {
  const ajv = new Ajv({ allErrors: true, verbose: true, useDefaults: true, discriminator: true, strict: false });
  return ajv.compile(schema);
}
