/** The Kafka header that carries an event's correlation id (also `correlationId` in the envelope), logged with every failure and kept on dead letters. */
export const CORRELATION_ID_HEADER = 'correlation-id';
