import { Logger } from '@nestjs/common';
import { Kafka, logLevel, LogEntry } from 'kafkajs';

/** A kafkajs client whose logs go through Nest's logger, at warn and above. */
// kafkajs warns at every producer about a partitioner change of 2019; the contract keys messages, and the
// default partitioner is what we want.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

export function createKafka(clientId: string, brokers: string): Kafka {
  const logger = new Logger(`kafkajs:${clientId}`);
  return new Kafka({
    clientId,
    brokers: brokers.split(','),
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 300, retries: 10 },
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        const line = `${message} ${JSON.stringify(extra)}`;
        if (level <= logLevel.ERROR) logger.error(line);
        else logger.warn(line);
      },
  });
}
