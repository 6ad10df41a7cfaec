import { parentPort, workerData } from 'node:worker_threads';
import { redirectLogLines } from '../../logger.js';
import { KafkaEventLog } from './kafka-event-log.js';
import type { KafkaConnection } from './kafka-client.js';
import { toThreadError, type FromLogThread, type ThreadError, type ToLogThread } from './log-thread-messages.js';

/**
 * The thread a ThreadedKafkaEventLog starts: it runs the Kafka event log (the Kafka client and its sockets)
 * and answers each numbered call. Answers settled in one pass of the microtask queue go back in one message.
 */

const port = parentPort!;
const post = (message: FromLogThread) => port.postMessage(message);
// This thread's stderr is the terminal's: a line written there would tear the dashboard's screen.
redirectLogLines({ write: (line: string) => post({ kind: 'log', line }) });

let settled: { id: number; error?: ThreadError }[] = [];

function answer(id: number, error?: unknown): void {
  if (settled.length === 0) queueMicrotask(() => post({ kind: 'settled', results: settled.splice(0) }));
  settled.push(error === undefined ? { id } : { id, error: toThreadError(error) });
}

try {
  const log = await KafkaEventLog.connect(workerData as KafkaConnection);
  port.on('message', (message: ToLogThread) => {
    if (message.kind === 'append') {
      for (const { id, records } of message.calls)
        log.append(records).then(
          () => answer(id),
          (error: unknown) => answer(id, error),
        );
    } else if (message.kind === 'ping') {
      log.ping().then(
        () => answer(message.id),
        (error: unknown) => answer(message.id, error),
      );
    } else {
      // Appends posted before `close` were handed to the log first; closing waits for them to settle.
      void log.close().finally(() => setImmediate(() => port.close()));
    }
  });
  post({ kind: 'ready' });
} catch (error) {
  post({ kind: 'failed', error: toThreadError(error) });
}
