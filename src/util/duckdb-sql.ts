/** A DuckDB string literal. */
export const sqlString = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** A DuckDB quoted identifier. */
export const sqlIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;
