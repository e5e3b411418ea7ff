import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';

// Labels are reject reasons, event types and CFX message names: bounded sets (names past MAX_UNUSED_NAMES share one).
const ACCEPTED = 'trace_cfx_messages_accepted_total';
const DEAD_LETTERS = 'trace_cfx_dead_letters_total';
const UNUSED = 'trace_cfx_unused_messages_total';
const EVENTS = 'trace_cfx_events_total';
const STATE_RECORDS = 'trace_cfx_state_records_total';
const HANDLING_SECONDS = 'trace_cfx_message_duration_seconds';

/** Distinct MessageNames counted by name; a line that invents more shares the label `(other)`, so the series stay bounded. */
export const MAX_UNUSED_NAMES = 200;

/** The bridge's Prometheus series (served by MetricsModule when METRICS_PORT is set). */
export const CFX_BRIDGE_METRIC_PROVIDERS = [
  makeCounterProvider({ name: ACCEPTED, help: 'AMQP messages accepted, each once Kafka acknowledged everything made from it' }),
  makeCounterProvider({ name: DEAD_LETTERS, help: 'CFX refused to trace.cfx-deadletter.v1 (an envelope, or a whole message), by reason', labelNames: ['reason'] }),
  makeCounterProvider({ name: UNUSED, help: 'CFX envelopes of a message the bridge does not map: counted, not dead-lettered, by MessageName', labelNames: ['message'] }),
  makeCounterProvider({ name: EVENTS, help: 'Contract events produced to Kafka (acks=all), by event type', labelNames: ['type'] }),
  makeCounterProvider({ name: STATE_RECORDS, help: 'What the bridge remembered of the line on trace.cfx-state.v1 (acks=all), by kind: work-order, panel', labelNames: ['kind'] }),
  makeHistogramProvider({
    name: HANDLING_SECONDS,
    help: 'Time from an AMQP message reaching the bridge to its acceptance (mapping, the wait for its batch, the produce with retries)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  }),
];

/** What the bridge counts; one instance per app, injected into the consumer. */
@Injectable()
export class CfxBridgeMetrics {
  private readonly unusedNames = new Set<string>();

  constructor(
    @InjectMetric(ACCEPTED) readonly accepted: Counter,
    @InjectMetric(DEAD_LETTERS) readonly deadLetters: Counter<'reason'>,
    @InjectMetric(UNUSED) private readonly unusedMessages: Counter<'message'>,
    @InjectMetric(EVENTS) readonly events: Counter<'type'>,
    @InjectMetric(STATE_RECORDS) readonly stateRecords: Counter<'kind'>,
    @InjectMetric(HANDLING_SECONDS) readonly handlingSeconds: Histogram,
  ) {}

  /** Counts an envelope not used, by its name while fewer than MAX_UNUSED_NAMES names were seen. */
  unused(messageName: string): void {
    if (!this.unusedNames.has(messageName) && this.unusedNames.size < MAX_UNUSED_NAMES) this.unusedNames.add(messageName);
    this.unusedMessages.inc({ message: this.unusedNames.has(messageName) ? messageName : '(other)' });
  }
}
