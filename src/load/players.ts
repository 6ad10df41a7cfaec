import { GamepipeError } from '../errors.js';

export interface Player {
  name: string;
  password: string;
  /** The `session_id=...` cookie pair the player sends. */
  cookie: string;
}

export interface SignupTally {
  signup: number;
  login: number;
}

const sessionPair = (response: Response): string | undefined =>
  response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('session_id='));

/** Signs a player up, or logs it in when it exists already (a re-run with the same prefix). */
async function enter(base: URL, name: string, password: string, tally: SignupTally): Promise<Player> {
  const query = `username=${encodeURIComponent(name)}&password=${encodeURIComponent(password)}`;
  for (const route of ['signup', 'login'] as const) {
    const response = await fetch(new URL(`/${route}?${query}`, base));
    const cookie = sessionPair(response);
    await response.body?.cancel();
    if (response.ok && cookie) {
      tally[route]++;
      return { name, password, cookie };
    }
    if (route === 'signup' && response.status === 409) continue;
    throw new GamepipeError(
      'BAD_REQUEST',
      `could not ${route} player ${name} at ${base.origin}: HTTP ${response.status}`,
      {
        hint:
          response.status === 401
            ? 'the player exists with another password: give it with --password, or use another --player-prefix'
            : undefined,
      },
    );
  }
  throw new GamepipeError('BAD_REQUEST', `could not sign up or log in player ${name}`);
}

/** Signs up (or logs in) `count` players, `parallel` at a time, reporting progress as it goes. */
export async function preparePlayers(
  base: URL,
  prefix: string,
  password: string | undefined,
  count: number,
  parallel: number,
  onProgress: (done: number) => void,
): Promise<{ players: Player[]; tally: SignupTally }> {
  const players: Player[] = new Array(count);
  const tally: SignupTally = { signup: 0, login: 0 };
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const name = `${prefix}${index + 1}`;
      players[index] = await enter(base, name, password ?? `pw-${name}`, tally);
      onProgress(++done);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  } catch (error) {
    if (error instanceof GamepipeError) throw error;
    throw new GamepipeError('BAD_REQUEST', `the game server at ${base.origin} does not answer`, {
      hint: 'start it with: gamepipe up (or gamepipe serve)',
      cause: error,
    });
  }
  return { players, tally };
}
