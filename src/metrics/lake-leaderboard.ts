import { isGamepipeError } from '../errors.js';
import { queryAll, type QueryEngine } from '../sql/query-engine.js';

export interface Ranked {
  name: string;
  count: number;
}

/** What SQL over the lake says now: the most bought items, the most joined guilds, rows per table. */
export interface LakeLeaderboard {
  /** When the queries finished, UTC ms. */
  at: number;
  engine: string;
  topItems: Ranked[];
  topGuilds: Ranked[];
  /** `count(*)` of each table, exact. */
  rows: Record<string, number>;
  /** The first query that failed, one line; the others still answered. */
  error?: string;
}

const rowTables = ['events_buy', 'events_guild', 'events_user', 'events_dead_letter'];

export const leaderboardSql = {
  topItems: (limit: number) =>
    `select item_type, count(*) as buys from events_buy group by item_type order by buys desc, item_type limit ${limit}`,
  topGuilds: (limit: number) =>
    `select guild_name, count(*) as joins from events_guild group by guild_name order by joins desc, guild_name limit ${limit}`,
  rows: () => rowTables.map((t) => `select '${t}' as table_name, count(*) as row_count from ${t}`).join(' union all '),
};

const oneLine = (error: unknown) =>
  (isGamepipeError(error) ? error.message : String((error as Error).message ?? error)).split('\n')[0]!;

/** Runs the leaderboard's three queries; each failure is noted, not thrown. */
export async function readLakeLeaderboard(
  engine: QueryEngine,
  limit = 5,
  now: () => number = Date.now,
): Promise<LakeLeaderboard> {
  let error: string | undefined;
  const attempt = async (sql: string): Promise<unknown[][]> => {
    try {
      return (await queryAll(engine, sql)).rows;
    } catch (e) {
      error ??= oneLine(e);
      return [];
    }
  };
  const ranked = (rows: unknown[][]): Ranked[] =>
    rows.map(([name, count]) => ({ name: String(name ?? ''), count: Number(count) }));
  const topItems = ranked(await attempt(leaderboardSql.topItems(limit)));
  const topGuilds = ranked(await attempt(leaderboardSql.topGuilds(limit)));
  const rows = Object.fromEntries(
    (await attempt(leaderboardSql.rows())).map(([table, count]) => [String(table), Number(count)]),
  );
  return { at: now(), engine: engine.name, topItems, topGuilds, rows, ...(error === undefined ? {} : { error }) };
}
