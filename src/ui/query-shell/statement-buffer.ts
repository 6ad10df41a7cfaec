/**
 * Gathers typed lines into SQL statements the way Trino's CLI does: a statement ends at a `;` that
 * is not inside a string, a quoted identifier or a comment, and may span lines; one line may hold
 * several statements.
 */
export class StatementBuffer {
  private text = '';

  /** True when no statement is under way (only blanks or comments typed since the last `;`). */
  isEmpty(): boolean {
    return stripComments(this.text).trim() === '';
  }

  /** Adds one line; returns the statements it completed, without their `;`, trimmed. */
  push(line: string): string[] {
    this.text = this.text === '' ? line : `${this.text}\n${line}`;
    const statements: string[] = [];
    let start = 0;
    let quote: "'" | '"' | null = null;
    let comment: 'line' | 'block' | null = null;
    const t = this.text;
    for (let i = 0; i < t.length; i++) {
      const c = t[i]!;
      if (comment === 'line') {
        if (c === '\n') comment = null;
      } else if (comment === 'block') {
        if (c === '*' && t[i + 1] === '/') {
          comment = null;
          i++;
        }
      } else if (quote) {
        // A doubled quote inside a string is the quote itself: still inside.
        if (c === quote && t[i + 1] === quote) i++;
        else if (c === quote) quote = null;
      } else if (c === "'" || c === '"') quote = c;
      else if (c === '-' && t[i + 1] === '-') comment = 'line';
      else if (c === '/' && t[i + 1] === '*') {
        comment = 'block';
        i++;
      } else if (c === ';') {
        const statement = t.slice(start, i).trim();
        if (stripComments(statement).trim() !== '') statements.push(statement);
        start = i + 1;
      }
    }
    this.text = t.slice(start).replace(/^\s*\n/, '');
    if (this.isEmpty()) this.text = '';
    return statements;
  }

  /** Drops what was typed since the last `;` (Ctrl-C at a continuation prompt). */
  clear(): void {
    this.text = '';
  }
}

/** The text without `--` and block comments (strings are kept as they are). */
function stripComments(text: string): string {
  return text.replace(/--[^\n]*|\/\*[\s\S]*?(\*\/|$)/g, '');
}
