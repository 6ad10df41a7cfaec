import { GamepipeError } from '../errors.js';

/** What to change in each replayed event before it is checked again. */
export type EventFix = (event: Record<string, unknown>) => Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7396 JSON merge patch: objects merge key by key, null removes a key, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** `field=value`: the value as JSON when it reads as JSON (`2`, `true`, `"2"`), else as text (`sword`). */
function assignment(text: string): [string, unknown] {
  const at = text.indexOf('=');
  const key = at > 0 ? text.slice(0, at).trim() : '';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(key))
    throw new GamepipeError('BAD_REQUEST', `--set takes field=value with a field name, not "${text}"`);
  const raw = text.slice(at + 1);
  try {
    return [key, JSON.parse(raw)];
  } catch {
    return [key, raw];
  }
}

/**
 * The fix from the command line: a merge patch (a JSON object, from `--patch`'s file), then each
 * `--set field=value`, then each `--unset field`. No fix at all replays the events as they are
 * (for records refused by a bug since fixed).
 */
export function eventFix(options: { patch?: unknown; set?: readonly string[]; unset?: readonly string[] }): EventFix {
  if (options.patch !== undefined && !isObject(options.patch))
    throw new GamepipeError('BAD_REQUEST', '--patch must hold a JSON object (an RFC 7396 merge patch)');
  const sets = (options.set ?? []).map(assignment);
  const unsets = options.unset ?? [];
  return (event) => {
    const patched =
      options.patch === undefined ? { ...event } : (mergePatch(event, options.patch) as Record<string, unknown>);
    for (const [key, value] of sets) patched[key] = value;
    for (const key of unsets) delete patched[key];
    return patched;
  };
}
