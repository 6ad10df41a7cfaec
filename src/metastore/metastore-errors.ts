import { GamepipeError } from '../errors.js';

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** The metastore could not be reached, or stopped answering mid-call: retrying later can help. */
export function metastoreUnavailable(url: string, reason: string, cause?: unknown): GamepipeError {
  return new GamepipeError('METASTORE_UNAVAILABLE', `Hive metastore at ${url} ${reason}`, {
    hint: 'start the metastore, or check --metastore-url',
    cause,
  });
}

/** The metastore answered a call with an exception (`MetaException`, `NoSuchObjectException`, ...). */
export function metastoreError(method: string, exception: string, message: string): GamepipeError {
  return new GamepipeError('METASTORE_ERROR', `${method}: ${exception}: ${oneLine(message) || 'no message'}`, {
    engineErrorName: exception,
  });
}

/** Bytes that are not the Thrift binary protocol: a wrong port, a framed server read unframed, or a bug. */
export function unreadableReply(detail: string): GamepipeError {
  return new GamepipeError('METASTORE_ERROR', `the metastore's reply is not Thrift binary protocol: ${detail}`, {
    hint: 'check that the URL names a Hive metastore, and whether it expects framed transport',
  });
}
