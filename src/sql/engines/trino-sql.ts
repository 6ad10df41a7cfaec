/** A Trino/Presto string literal. */
export const trinoString = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** A Trino/Presto quoted identifier. */
export const trinoIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** `"catalog"."schema"."table"`, each part quoted. */
export const trinoName = (...parts: string[]): string => parts.map(trinoIdentifier).join('.');
