import { DynamicModule, Module } from '@nestjs/common';
import { KafkaModule, MetricsModule, ShutdownDeadlineModule, loggingModule, metricsSettings } from '@trace/platform';
import { CFX_BRIDGE_METRIC_PROVIDERS, CfxBridgeMetrics } from './cfx-bridge.metrics';
import { CFX_AMQP_OPTIONS, CfxAmqpConsumer } from './cfx-amqp.consumer';
import { CfxBridgeEnv, mappingConfigOf } from './cfx-bridge.config';
import { CFX_MAPPING_CONFIG, MapCfxMessage } from './map-cfx-message/map-cfx-message.use-case';
import { LINE_HOLDS_OPTIONS, LineHolds } from './line-holds/line-holds.service';
import { LineState } from './line-state/line-state';
import { LINE_STATE_OPTIONS, LineStateStore } from './line-state/line-state.store';

const USE_CASES = [MapCfxMessage];

/** IPC-CFX over AMQP 1.0 in, contract events out on Kafka. */
@Module({})
export class CfxBridgeModule {
  static forRoot(env: CfxBridgeEnv): DynamicModule {
    return {
      module: CfxBridgeModule,
      imports: [
        KafkaModule.forRoot({ clientId: env.KAFKA_CLIENT_ID, brokers: env.KAFKA_BROKERS, topicPrefix: env.TOPIC_PREFIX }),
        ShutdownDeadlineModule.forRoot({ timeoutMs: env.CFX_SHUTDOWN_EXIT_MS, variable: 'CFX_SHUTDOWN_EXIT_MS' }),
        // JSON logs (pino), as the API and the ingest; GET /metrics on METRICS_PORT when set.
        loggingModule(env, 'cfx-bridge'),
        MetricsModule.forRoot(metricsSettings(env)),
      ],
      providers: [
        ...USE_CASES,
        ...CFX_BRIDGE_METRIC_PROVIDERS,
        CfxBridgeMetrics,
        { provide: CFX_MAPPING_CONFIG, useValue: mappingConfigOf(env) },
        { provide: LineState, useValue: new LineState() },
        { provide: LINE_STATE_OPTIONS, useValue: { groupPrefix: `${env.KAFKA_CLIENT_ID}-state`, loadTimeoutMs: 60_000, partitions: env.KAFKA_TOPIC_PARTITIONS } },
        LineStateStore,
        {
          provide: CFX_AMQP_OPTIONS,
          useValue: { url: env.CFX_AMQP_URL, address: env.CFX_ADDRESS, prefetch: env.CFX_PREFETCH, maxBackoffMs: env.CFX_MAX_BACKOFF_MS },
        },
        CfxAmqpConsumer,
        {
          provide: LINE_HOLDS_OPTIONS,
          useValue: {
            url: env.CFX_AMQP_URL,
            ...(env.CFX_REQUEST_ADDRESS !== '' ? { requestAddress: env.CFX_REQUEST_ADDRESS } : {}),
            responseAddress: env.CFX_RESPONSE_ADDRESS,
            handle: env.CFX_HANDLE,
            ...(env.CFX_TARGET !== '' ? { target: env.CFX_TARGET } : {}),
            groupId: `${env.KAFKA_CLIENT_ID}-holds`,
          },
        },
        LineHolds,
      ],
    };
  }
}
