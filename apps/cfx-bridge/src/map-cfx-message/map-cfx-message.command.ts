/** One AMQP message as the broker delivered it, without anything of AMQP itself. */
export interface MapCfxMessageCommand {
  /** The body's bytes (a data section, or an AMQP string value as UTF-8). */
  body: Buffer;
  /** AMQP `content-encoding` (`gzip` from the SDK's default codec). */
  contentEncoding?: string;
}
