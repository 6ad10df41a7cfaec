const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * The first key a JSON object's text names twice at its top level, if any. JSON.parse keeps a
 * duplicate's last value and DuckDB's json_transform its first, so such a record would be validated
 * on one value and stored with another. `text` must be valid JSON (it parsed); keys are compared
 * decoded (`"pri\u0063e"` is `"price"`). A string left open (text that is not JSON) ends the scan, never hangs it.
 */
export function duplicateTopLevelKey(text: string): string | undefined {
  const seen = new Set<string>();
  let depth = 0;
  let keyNext = false;
  for (let at = 0; at < text.length; at++) {
    const char = text.charCodeAt(at);
    if (char === QUOTE) {
      let end = at + 1;
      while (end < text.length && text.charCodeAt(end) !== QUOTE) end += text.charCodeAt(end) === BACKSLASH ? 2 : 1;
      if (end >= text.length) return undefined;
      if (depth === 1 && keyNext) {
        const key = JSON.parse(text.slice(at, end + 1)) as string;
        if (seen.has(key)) return key;
        seen.add(key);
        keyNext = false;
      }
      at = end;
    } else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      depth++;
      keyNext = depth === 1 && char === OPEN_BRACE;
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      depth--;
    } else if (char === COMMA && depth === 1) {
      keyNext = true;
    }
  }
  return undefined;
}
