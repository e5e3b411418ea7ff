import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';

const REQUEST_SECONDS = 'trace_http_request_duration_seconds';
const IN_FLIGHT = 'trace_http_requests_in_flight';
const NDJSON_ROWS = 'trace_http_ndjson_rows_total';
const REPORT_JOBS = 'trace_report_jobs';
const REPORT_JOBS_ENDED = 'trace_report_jobs_ended_total';

/** The API's Prometheus series (served by MetricsModule when METRICS_PORT is set). */
export const API_METRIC_PROVIDERS = [
  // `route` is the route's pattern (/v1/serials/:serial/genealogy), never the URL: one series per route, whatever is asked.
  makeHistogramProvider({
    name: REQUEST_SECONDS,
    help: 'Time from a request to the end of its answer (streams included), by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  }),
  makeGaugeProvider({ name: IN_FLIGHT, help: 'Requests being answered now' }),
  makeCounterProvider({ name: NDJSON_ROWS, help: 'Rows written in NDJSON answers, by route pattern', labelNames: ['route'] }),
  makeGaugeProvider({ name: REPORT_JOBS, help: 'Report jobs held by this instance, by state (queued, running)', labelNames: ['state'] }),
  makeCounterProvider({ name: REPORT_JOBS_ENDED, help: 'Report job runs ended on this instance, by outcome (done, failed, handed_over)', labelNames: ['outcome'] }),
];

/** What the API counts; global (CommonModule), injected where the counting happens. */
@Injectable()
export class ApiMetrics {
  constructor(
    @InjectMetric(REQUEST_SECONDS) readonly requestSeconds: Histogram<'method' | 'route' | 'status'>,
    @InjectMetric(IN_FLIGHT) readonly inFlight: Gauge,
    @InjectMetric(NDJSON_ROWS) readonly ndjsonRows: Counter<'route'>,
    @InjectMetric(REPORT_JOBS) readonly reportJobs: Gauge<'state'>,
    @InjectMetric(REPORT_JOBS_ENDED) readonly reportJobsEnded: Counter<'outcome'>,
  ) {}
}
