import type { Config } from '../config/config-fields.js';
import { createEventLog, eventLogKind } from '../eventlog/create-event-log.js';
import type { AppendRecord, EventLog } from '../eventlog/event-log.js';
import { acquireDirLock } from '../util/dir-lock.js';
import { simulateDays } from './simulate-days.js';
import { DAY_MS, utcDay, type SimulationPlan } from './simulation-plan.js';
import { SimulationTally, type SimulationSummary } from './simulation-tally.js';

export interface SimulationResult {
  seed: number;
  players: number;
  days: number;
  firstDay: string;
  lastDay: string;
  playerPrefix: string;
  log: { kind: 'embedded' | 'kafka'; topic: string };
  seconds: number;
  summary: SimulationSummary;
}

/** Records per append: Kafka's produce requests stay well under a broker's 1 MB default. */
const batchSize = { embedded: 5000, kafka: 1000 } as const;
const appendsInFlight = { embedded: 2, kafka: 8 } as const;

/** Appends batches with a few in flight; on a failure, waits for the others and rethrows. */
class BatchAppender {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown = null;

  constructor(
    private readonly log: EventLog,
    private readonly limit: number,
  ) {}

  async append(records: AppendRecord[]): Promise<void> {
    if (this.failure) throw this.failure;
    const sent: Promise<void> = this.log.append(records).then(
      () => void this.inFlight.delete(sent),
      (error: unknown) => {
        this.inFlight.delete(sent);
        this.failure ??= error;
      },
    );
    this.inFlight.add(sent);
    while (this.inFlight.size >= this.limit) await Promise.race(this.inFlight);
  }

  /** Resolves when every batch is durable; rejects with the first failure. */
  async drain(): Promise<void> {
    await this.settle();
    if (this.failure) throw this.failure;
  }

  /** Waits for every batch in flight, whatever its outcome. */
  async settle(): Promise<void> {
    await Promise.all(this.inFlight);
  }
}

/**
 * Writes a simulated month to the configured event log (embedded or Kafka), exactly as the server
 * would append it (key: the player), so the stream writers land it in the date partitions of its
 * past days. The embedded log has one writer: a running `gamepipe serve` or `up` on the same data
 * dir makes this refuse, as a second server would be.
 */
export async function runSimulation(
  config: Config,
  plan: SimulationPlan,
  onDay?: (day: string, events: number) => void,
): Promise<SimulationResult> {
  const kind = eventLogKind(config);
  const release =
    kind === 'embedded'
      ? acquireDirLock(config.dataDir, 'serve', 'a writer of the embedded event log (gamepipe serve, up or simulate)')
      : () => undefined;
  const started = process.hrtime.bigint();
  const tally = new SimulationTally();
  try {
    const log = await createEventLog(config);
    const appender = new BatchAppender(log, appendsInFlight[kind]);
    try {
      for (const { day, events } of simulateDays(plan)) {
        for (let start = 0; start < events.length; start += batchSize[kind]) {
          const batch = events.slice(start, start + batchSize[kind]);
          for (const event of batch) tally.add(event);
          await appender.append(batch.map((event) => ({ key: event.username ?? null, value: JSON.stringify(event) })));
        }
        onDay?.(day, events.length);
      }
      await appender.drain();
    } finally {
      await appender.settle();
      await log.close();
    }
  } finally {
    release();
  }
  return {
    seed: plan.seed,
    players: plan.players,
    days: plan.days,
    firstDay: utcDay(plan.firstDayMs),
    lastDay: utcDay(plan.firstDayMs + (plan.days - 1) * DAY_MS),
    playerPrefix: plan.playerPrefix,
    log: { kind, topic: config.topic },
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    summary: tally.summary(plan.catalog.qualityNames()),
  };
}
