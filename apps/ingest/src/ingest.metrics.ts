import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';

// Labels are contract topics (without the deployment's prefix), event types and reject reasons: bounded sets.
const EVENTS = 'trace_ingest_events_total';
const BATCH_SECONDS = 'trace_ingest_batch_duration_seconds';
const DEAD_LETTERS = 'trace_ingest_dead_letters_total';
const RETRIES = 'trace_ingest_retries_total';
const LAG = 'trace_ingest_consumer_lag';
const WRITE_SECONDS = 'trace_ingest_db_write_duration_seconds';

/** The ingest's Prometheus series (served by MetricsModule when METRICS_PORT is set). */
export const INGEST_METRIC_PROVIDERS = [
  makeCounterProvider({ name: EVENTS, help: 'Events recorded in the graph, by contract topic and event type', labelNames: ['topic', 'type'] }),
  makeHistogramProvider({
    name: BATCH_SECONDS,
    help: 'Time to record one batch of one partition (graph writes and dead letters, retries included), by outcome',
    labelNames: ['topic', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  }),
  makeCounterProvider({ name: DEAD_LETTERS, help: 'Messages sent to the dead-letter topic, by contract topic and reason', labelNames: ['topic', 'reason'] }),
  makeCounterProvider({ name: RETRIES, help: 'Retries of a batch after a transient failure (database or broker), by contract topic', labelNames: ['topic'] }),
  makeGaugeProvider({ name: LAG, help: 'Messages behind the end of the partition after the last batch committed', labelNames: ['topic', 'partition'] }),
  makeHistogramProvider({
    name: WRITE_SECONDS,
    help: 'Latency of one bulk write of graph changes to MongoDB, by outcome',
    labelNames: ['outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  }),
];

/** What the ingest counts; one instance per app, injected where the counting happens. */
@Injectable()
export class IngestMetrics {
  constructor(
    @InjectMetric(EVENTS) readonly events: Counter<'topic' | 'type'>,
    @InjectMetric(BATCH_SECONDS) readonly batchSeconds: Histogram<'topic' | 'outcome'>,
    @InjectMetric(DEAD_LETTERS) readonly deadLetters: Counter<'topic' | 'reason'>,
    @InjectMetric(RETRIES) readonly retries: Counter<'topic'>,
    @InjectMetric(LAG) readonly lag: Gauge<'topic' | 'partition'>,
    @InjectMetric(WRITE_SECONDS) readonly writeSeconds: Histogram<'outcome'>,
  ) {}
}
