import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';

import { AppError } from '../errors/app-error.js';

const NUL = '\u0000';
/** In a `u` regex, a surrogate pair is one code point: only a lone (unpaired) surrogate matches. */
const LONE_SURROGATE = /\p{Surrogate}/u;
/** Deeper than any body can be (JSON_BODY's limit is 32): a guard for the walk, not a rule. */
const MAX_WALK_DEPTH = 64;

/**
 * What is wrong with a string no part of the stack can take, or null. PostgreSQL refuses NUL in
 * text (and a NUL ends a simple-protocol message early); a lone UTF-16 surrogate has no UTF-8 form
 * (Node would silently store U+FFFD instead, so what was stored is not what was sent).
 */
export function unsafeStringProblem(value: string): string | null {
  if (value.includes(NUL)) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(value)) return 'must not contain unpaired UTF-16 surrogates (not valid Unicode text)';
  return null;
}

/**
 * Refuses, for every route at once, any body field, query or path parameter holding a string
 * that no layer can take (see `unsafeStringProblem`), with a 400 naming the field — before the
 * DTO validation, so no route can forget it. Runs first among the global pipes.
 */
@Injectable()
export class SafeStringsPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value; // values the app made itself (the current user)
    const found = findUnsafeString(value, metadata.data ?? '', 0);
    if (found) {
      const problem = `${found.field || metadata.type} ${found.problem}`;
      throw new AppError('VALIDATION_FAILED', problem, [{ field: found.field || metadata.type, problems: [problem] }]);
    }
    return value;
  }
}

function findUnsafeString(value: unknown, path: string, depth: number): { field: string; problem: string } | null {
  const found = findUnsafe(value, depth);
  return found && { field: [path, ...found.keys].filter(Boolean).join('.'), problem: found.problem };
}

/**
 * The keys down to the first string no layer can take, and its problem. Every request's body,
 * query and params go through here, so nothing (field names, entry arrays) is built unless
 * something is wrong.
 */
function findUnsafe(value: unknown, depth: number): { keys: string[]; problem: string } | null {
  if (typeof value === 'string') {
    const problem = unsafeStringProblem(value);
    return problem === null ? null : { keys: [], problem };
  }
  if (typeof value !== 'object' || value === null || depth > MAX_WALK_DEPTH) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = findUnsafe(value[i], depth + 1);
      if (found) {
        found.keys.unshift(String(i));
        return found;
      }
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    const keyProblem = unsafeStringProblem(key);
    // JSON.stringify shows NUL and lone surrogates as \u escapes, so the field name can be read.
    if (keyProblem) return { keys: [JSON.stringify(key).slice(1, -1)], problem: `(a field name) ${keyProblem}` };
    const found = findUnsafe((value as Record<string, unknown>)[key], depth + 1);
    if (found) {
      found.keys.unshift(key);
      return found;
    }
  }
  return null;
}
