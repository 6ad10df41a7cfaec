import { Worker } from 'node:worker_threads';
import type { GamepipeError } from '../../errors.js';
import { writeLogLine } from '../../logger.js';
import type { AppendRecord, EventLog } from '../event-log.js';
import type { KafkaConnection } from './kafka-client.js';
import { inDoubt, kafkaUnavailable } from './kafka-errors.js';
import { fromThreadError, type FromLogThread, type ToLogThread } from './log-thread-messages.js';

interface Call {
  resolve: () => void;
  reject: (error: unknown) => void;
  /** An append (else a ping): once handed over, it may be sent. */
  append: boolean;
}

const THREAD_SCRIPT = new URL('./kafka-log-thread.js', import.meta.url);

/** The thread's first answer past its log lines: connected (undefined), or why not. */
function firstAnswer(worker: Worker, connection: KafkaConnection): Promise<GamepipeError | undefined> {
  return new Promise((resolve) => {
    const onMessage = (message: FromLogThread) => {
      if (message.kind === 'log') return;
      worker.off('message', onMessage);
      if (message.kind === 'ready') resolve(undefined);
      else
        resolve(
          fromThreadError(
            message.kind === 'failed' ? message.error : { message: 'unexpected answer from the Kafka producer thread' },
          ),
        );
    };
    worker.on('message', onMessage);
    worker.once('error', (error) => resolve(kafkaUnavailable(connection.brokers, error)));
    worker.once('exit', (code) =>
      resolve(kafkaUnavailable(connection.brokers, new Error(`the Kafka producer thread exited with code ${code}`))),
    );
  });
}

/**
 * The Kafka event log (kafka-event-log.ts, unchanged: same batching, same delivery promise) run on
 * a thread of its own. Under load the server's thread was the bottleneck, and producing (the client
 * encoding each record, its socket writes, their garbage) took about a quarter of it; here that
 * work runs beside the HTTP handling. Appends made in one pass of the microtask queue (those of
 * every request Redis answered in one read) cross in one message; answers come back the same way.
 *
 * If the thread dies, appends it had taken may have been sent: they reject as LOG_IN_DOUBT (the
 * state change stays, as for a send Kafka never answered); later appends as LOG_UNAVAILABLE. Lines the
 * thread logs are written by this one, where its own go.
 */
export class ThreadedKafkaEventLog implements EventLog {
  private nextId = 0;
  /** Calls handed to the thread, by number, until it answers. */
  private readonly inThread = new Map<number, Call>();
  /** Appends of this pass of the microtask queue, not yet handed over. */
  private outbox: { id: number; records: AppendRecord[] }[] = [];
  private gone: GamepipeError | null = null;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    private readonly connection: KafkaConnection,
  ) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (message: FromLogThread) => {
      if (message.kind !== 'settled') return;
      for (const { id, error } of message.results) {
        const call = this.inThread.get(id);
        this.inThread.delete(id);
        if (error === undefined) call?.resolve();
        else call?.reject(fromThreadError(error));
      }
    });
    worker.once('exit', () => this.threadGone(new Error('the Kafka producer thread stopped')));
  }

  static async connect(connection: KafkaConnection): Promise<ThreadedKafkaEventLog> {
    const worker = new Worker(THREAD_SCRIPT, { workerData: connection });
    worker.on('message', (message: FromLogThread) => {
      if (message.kind === 'log') writeLogLine(message.line);
    });
    const failure = await firstAnswer(worker, connection);
    if (failure) {
      await worker.terminate();
      throw failure;
    }
    const log = new ThreadedKafkaEventLog(worker, connection);
    worker.on('error', (error) => log.threadGone(error));
    return log;
  }

  append(records: AppendRecord[]): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.gone) return reject(this.gone);
      const id = this.nextId++;
      this.inThread.set(id, { resolve, reject, append: true });
      if (this.outbox.length === 0) queueMicrotask(() => this.handOver());
      this.outbox.push({ id, records });
    });
  }

  ping(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.gone) return reject(this.gone);
      const id = this.nextId++;
      this.inThread.set(id, { resolve, reject, append: false });
      this.post({ kind: 'ping', id });
    });
  }

  async close(): Promise<void> {
    if (!this.gone) {
      this.handOver();
      this.post({ kind: 'close' });
    }
    await this.exited;
  }

  private handOver(): void {
    if (this.outbox.length === 0 || this.gone) return;
    this.post({ kind: 'append', calls: this.outbox });
    this.outbox = [];
  }

  private post(message: ToLogThread): void {
    this.worker.postMessage(message);
  }

  /** Settles every open call: appends the thread had taken may have been sent, the rest were not. */
  private threadGone(cause: Error): void {
    if (this.gone) return;
    this.gone = kafkaUnavailable(this.connection.brokers, cause);
    const notHandedOver = new Set(this.outbox.map((call) => call.id));
    this.outbox = [];
    for (const [id, call] of this.inThread)
      call.reject(call.append && !notHandedOver.has(id) ? inDoubt(this.connection.brokers, cause) : this.gone);
    this.inThread.clear();
  }
}
