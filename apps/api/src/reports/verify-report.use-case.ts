import { Injectable, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import { ReportKeysRepository, ReportVerifier, VerificationResult } from '@trace/reports';
import { ApiEnv } from '../api.config';

export interface VerifyReportCommand {
  /** The request body, not read yet: the report file's bytes as sent. */
  body: AsyncIterable<Buffer>;
  /** The Content-Length header, if any. */
  statedLength?: string;
  /** True when a body parser read the body already (it was not sent as application/octet-stream). */
  parsed: boolean;
}

/** "Is this report file authentic and unchanged?" — at most REPORT_VERIFY_MAX_BYTES, verified in a worker thread. */
@Injectable()
export class VerifyReportUseCase {
  constructor(
    private readonly verifier: ReportVerifier,
    private readonly keys: ReportKeysRepository,
    private readonly env: ApiEnv,
  ) {}

  async execute({ body, statedLength, parsed }: VerifyReportCommand): Promise<VerificationResult> {
    // Exact bytes are what is verified: a JSON body parser would have rewritten them.
    if (parsed) throw new UnsupportedMediaTypeException('send the report file as application/octet-stream');
    const file = await readBody(body, statedLength, this.env.REPORT_VERIFY_MAX_BYTES);
    return this.verifier.verify(file, await this.keys.publicKeys());
  }
}

/** The body, refused (413) as soon as its stated or its read length passes `limit`; read into one buffer of its own. */
async function readBody(body: AsyncIterable<Buffer>, statedLength: string | undefined, limit: number): Promise<Buffer> {
  const tooLarge = (): PayloadTooLargeException => new PayloadTooLargeException(`a report file to verify is at most ${limit} bytes (REPORT_VERIFY_MAX_BYTES)`);
  const stated = Number(statedLength ?? Number.NaN);
  if (stated > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  // Not Buffer.concat, whose result may share a pooled ArrayBuffer: the verifier moves this one to its worker.
  const file = Buffer.from(new ArrayBuffer(size));
  let at = 0;
  for (const chunk of chunks) at += chunk.copy(file, at);
  return file;
}
