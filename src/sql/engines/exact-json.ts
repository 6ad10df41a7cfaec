// A JSON string, or an integer literal long enough to pass 2^53 (not part of a fraction or exponent).
const STRING_OR_LONG_INTEGER = /"(?:[^"\\]|\\.)*"|(?<![\d.eE+-])-?\d{16,}(?![\d.eE])/g;

/**
 * `JSON.parse`, except that an integer too large for a JavaScript number stays exact as a string
 * (Trino sends a bigint as a bare JSON number: 9007199254740993 would read as ...992).
 */
export function parseExactJson(text: string): unknown {
  const exact = text.replace(STRING_OR_LONG_INTEGER, (token) =>
    token.startsWith('"') || Number.isSafeInteger(Number(token)) ? token : `"${token}"`,
  );
  return JSON.parse(exact);
}
