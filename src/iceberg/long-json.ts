// A JSON string, or an integer literal (not part of a fraction or exponent).
const STRING_OR_INTEGER = /"(?:[^"\\]|\\.)*"|(?<![\d.eE+-])-?\d+(?![\d.eE])/g;
const BIG = '\u0000long:';

/**
 * `JSON.parse` for Iceberg metadata, where snapshot ids are 64-bit longs (Trino's and Java's pass
 * 2^53): an integer that a JavaScript number cannot hold exactly is read as a bigint, every other
 * value as `JSON.parse` reads it, so fields gamepipe does not know survive a rewrite unchanged.
 */
export function parseLongJson(text: string): unknown {
  const marked = text.replace(STRING_OR_INTEGER, (token) =>
    token.startsWith('"') || Number.isSafeInteger(Number(token)) ? token : `"\\u0000long:${token}"`,
  );
  return JSON.parse(marked, (_key, value: unknown) =>
    typeof value === 'string' && value.startsWith(BIG) ? BigInt(value.slice(BIG.length)) : value,
  );
}

/** `JSON.stringify` that writes a bigint as a bare JSON integer, the form `parseLongJson` and Iceberg's readers expect. */
export function stringifyLongJson(value: unknown, indent?: number): string {
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => (typeof v === 'bigint' ? `${BIG}${v.toString()}` : v),
    indent,
  );
  return text.replace(/"\\u0000long:(-?\d+)"/g, '$1');
}
