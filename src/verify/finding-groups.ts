import type { Finding, FindingKind } from './verify-report.js';

interface Group {
  kind: FindingKind;
  where: string;
  count: number;
  example: string;
}

/**
 * Findings about many records, one per place: a thousand missing events of one file are one line
 * with their count and a first example, not a thousand lines.
 */
export class FindingGroups {
  private readonly groups = new Map<string, Group>();

  add(kind: FindingKind, where: string, example: string): void {
    const key = `${kind}\n${where}`;
    const group = this.groups.get(key);
    if (group) group.count++;
    else this.groups.set(key, { kind, where, count: 1, example });
  }

  /** The groups as findings, `describe` saying what a group's records are (`3 events in no file`). */
  findings(describe: Record<string, (count: number) => string>): Finding[] {
    return [...this.groups.values()].map((g) => ({
      kind: g.kind,
      where: g.where,
      what: `${describe[g.kind]!(g.count)}, e.g. ${g.example}`,
    }));
  }
}

export const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
