import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Worker } from 'node:worker_threads';
import { canonicalJson } from './canonical-json';
import { PublicReportKey, ReportInspection, VerificationResult, inspectSignedReport, judgeInspection } from './report-signature';

// The worker runs the very functions this thread would, from their source text, with node:crypto of its own: plain
// JavaScript evaluated in the worker works the same under ts-node, ts-jest and the webpack bundle, where a worker file
// of ours would not exist. Both functions refer to nothing outside themselves (see inspectSignedReport).
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const canonicalJson = (${canonicalJson.toString()});
const inspectSignedReport = (${inspectSignedReport.toString()});
const tools = { canonicalJson, sha256Hex: (bytes) => createHash('sha256').update(bytes).digest('hex') };
parentPort.on('message', ({ id, file }) => {
  let answer;
  try {
    answer = { id, found: inspectSignedReport(file, tools) };
  } catch (error) {
    answer = { id, error: String((error && error.message) || error) };
  }
  parentPort.postMessage(answer);
});
`;

interface Answer {
  id: number;
  found?: ReportInspection;
  error?: string;
}

/**
 * Verifies reports in a worker thread, so that hashing and parsing a large file (tens of MB) never blocks the event
 * loop: one worker, started on first use, files handled in turn. Only the signature check itself (microseconds) runs here.
 */
@Injectable()
export class ReportVerifier implements OnModuleDestroy {
  private worker?: Worker;
  private next = 0;
  private readonly pending = new Map<number, { resolve: (found: ReportInspection) => void; reject: (error: Error) => void }>();

  /**
   * Whether `file` is a report signed by one of `keys` and unchanged; the same verdict as verifyReport. A buffer that
   * owns its memory is moved to the worker: do not use `file` afterwards.
   */
  async verify(file: Buffer, keys: readonly PublicReportKey[]): Promise<VerificationResult> {
    return judgeInspection(await this.inspect(file), keys);
  }

  private inspect(file: Buffer): Promise<ReportInspection> {
    const worker = this.started();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // A buffer that owns its memory is handed over, not copied (copying 60 MB blocks this thread for a while);
      // the caller must not use it afterwards. Any other (a slice of a larger one) is copied.
      const owns = file.byteOffset === 0 && file.buffer.byteLength === file.length && Object.prototype.toString.call(file.buffer) === '[object ArrayBuffer]'; // not instanceof: jest's globals are another realm
      worker.postMessage({ id, file }, owns ? [file.buffer as ArrayBuffer] : []);
    });
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true, name: 'report-verifier' });
    worker.unref(); // an idle verifier never keeps the process alive
    worker.on('message', ({ id, found, error }: Answer) => {
      const waiting = this.pending.get(id);
      this.pending.delete(id);
      if (found) waiting?.resolve(found);
      else waiting?.reject(new Error(`report verification failed in its worker: ${error}`));
    });
    const down = (error: Error): void => {
      if (this.worker === worker) this.worker = undefined; // the next verification starts a new one
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', down);
    worker.on('exit', (code) => down(new Error(`the report verifier's worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.terminate();
  }
}
