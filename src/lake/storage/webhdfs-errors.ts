import { GamepipeError } from '../../errors.js';

/** What a NameNode or DataNode sends with a failed call: `{"RemoteException":{...}}`. */
interface RemoteException {
  exception: string;
  message: string;
}

/** HDFS exceptions that mean "not now": the NameNode is starting, in safe mode, or on standby. */
const notNow = new Set([
  'SafeModeException',
  'RetriableException',
  'StandbyException',
  'ObserverRetryOnActiveException',
  'ConnectException',
]);

const HINT = 'start HDFS (test/services/hdfs.sh start), or check --webhdfs-url';

/** What a NameNode says when no DataNode can take a block yet (all down, or restarting and not yet registered). */
const noDataNodeYet = /Failed to find datanode|could only be written to 0 of the|There are 0 datanode/i;

function parseRemoteException(body: string): RemoteException | null {
  try {
    const remote = (JSON.parse(body) as { RemoteException?: Partial<RemoteException> }).RemoteException;
    return remote?.exception ? { exception: remote.exception, message: remote.message ?? '' } : null;
  } catch {
    return null;
  }
}

/** DataNodes put the Java stack trace into `message`: a person needs its first line. */
const oneLine = (text: string): string => (text.split('\n')[0] ?? '').trim().slice(0, 300);

/**
 * A failed WebHDFS answer as the port's error. `what` is the verb ("create"), `where` the path a
 * person recognises (the lake URI and the lake path).
 */
export function webHdfsError(status: number, body: string, what: string, where: string): GamepipeError {
  const remote = parseRemoteException(body);
  if (!remote) {
    const detail = `HTTP ${status}${body.trim() ? `: ${oneLine(body)}` : ''}`;
    if (status === 502 || status === 503 || status === 504) {
      return new GamepipeError('LAKE_UNAVAILABLE', `HDFS could not ${what} ${where} now (${detail})`, { hint: HINT });
    }
    return new GamepipeError('LAKE_ERROR', `could not ${what} ${where}: ${detail}`);
  }
  const detail = `${remote.exception}: ${oneLine(remote.message)}`;
  // A file another client is still writing exists as far as a no-overwrite create is concerned.
  if (remote.exception === 'FileAlreadyExistsException' || remote.exception === 'AlreadyBeingCreatedException') {
    return new GamepipeError('LAKE_EXISTS', `${where} already exists (${detail})`);
  }
  if (remote.exception === 'FileNotFoundException')
    return new GamepipeError('LAKE_NOT_FOUND', `${where} does not exist (${detail})`);
  if (remote.exception === 'IOException' && noDataNodeYet.test(remote.message)) {
    return new GamepipeError('LAKE_UNAVAILABLE', `HDFS could not ${what} ${where} now (${detail})`, {
      hint: 'no HDFS DataNode is live yet; retry shortly, or start one',
    });
  }
  if (notNow.has(remote.exception)) {
    return new GamepipeError('LAKE_UNAVAILABLE', `HDFS could not ${what} ${where} now (${detail})`, {
      hint: 'HDFS is starting or in safe mode; retry shortly',
    });
  }
  return new GamepipeError('LAKE_ERROR', `could not ${what} ${where}: ${detail}`);
}

/** A NameNode or DataNode that does not answer (refused, reset, timed out): retriable, one line. */
export function webHdfsUnreachable(who: string, address: string, cause: unknown): GamepipeError {
  const code = (cause as { code?: string }).code;
  const reason = code?.startsWith('UND_ERR_') ? (cause as Error).message : (code ?? (cause as Error).message);
  return new GamepipeError('LAKE_UNAVAILABLE', `${who} at ${address} is not reachable (${oneLine(String(reason))})`, {
    hint: HINT,
    cause,
  });
}
