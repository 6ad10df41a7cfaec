import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The names `/metrics` exposes, shared with the parser that reads them back (src/metrics/server-figures.ts). */
export const serverMetricNames = {
  requests: 'gamepipe_http_requests_total',
  requestSeconds: 'gamepipe_http_request_duration_seconds',
  eventsAppended: 'gamepipe_events_appended_total',
  appendErrors: 'gamepipe_event_append_errors_total',
} as const;

/** The server's Prometheus metrics, on a registry of its own (so tests can run several servers). */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: serverMetricNames.requests,
    help: 'HTTP requests answered',
    labelNames: ['route', 'status'],
    registers: [this.registry],
  });
  readonly requestSeconds = new Histogram({
    name: serverMetricNames.requestSeconds,
    help: 'HTTP request duration',
    labelNames: ['route'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly eventsAppended = new Counter({
    name: serverMetricNames.eventsAppended,
    help: 'events durably appended to the event log',
    labelNames: ['event_type'],
    registers: [this.registry],
  });
  readonly appendErrors = new Counter({
    name: serverMetricNames.appendErrors,
    help: 'events the log refused (their request answered 503 and changed nothing)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'gamepipe_' });
  }

  async totalEventsAppended(): Promise<number> {
    const metric = await this.eventsAppended.get();
    return metric.values.reduce((sum, v) => sum + v.value, 0);
  }
}
