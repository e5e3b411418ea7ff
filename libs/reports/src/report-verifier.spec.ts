import { generateKeyPairSync } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PublicReportKey, keyIdOf, signJson, signWithTrailer, verifyReport } from './report-signature';
import { ReportVerifier } from './report-verifier';

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const signing = { keyId: keyIdOf(publicKey), privateKey };
const keys: PublicReportKey[] = [{ keyId: signing.keyId, algorithm: 'Ed25519', publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(), createdAt: '2026-12-01T00:00:00.000Z' }];
const flip = (file: Buffer, at: number): Buffer => {
  const copy = Buffer.from(file);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
};

describe('report verification in a worker thread', () => {
  const verifier = new ReportVerifier();
  afterAll(() => verifier.onModuleDestroy());

  it('gives the same verdict as the verification in this thread, for each format, untouched and with one byte changed anywhere', async () => {
    const files = [
      signWithTrailer('csv', Buffer.from('a,b\r\n1,2\r\n'), signing),
      signWithTrailer('pdf', Buffer.from('%PDF-1.3\nbinary \x00\xff\n%%EOF'), signing),
      signJson({ b: [1, 2], a: 'x', nested: { z: null, y: 'é' } }, signing),
    ];
    for (const file of files) {
      const variants = [file, ...Array.from({ length: file.length }, (_, i) => flip(file, i)), file.subarray(1), Buffer.alloc(0), Buffer.from('{not json')];
      const inWorker = await Promise.all(variants.map((v) => verifier.verify(Buffer.from(v), keys))); // a copy: the verifier may take the buffer over
      expect(inWorker).toEqual(variants.map((v) => verifyReport(v, keys)));
      expect(inWorker[0]).toMatchObject({ valid: true });
      expect(inWorker.slice(1).every((r) => !r.valid)).toBe(true);
    }
  });

  it('leaves the event loop free while it hashes and canonicalizes a JSON report of 17 MB', async () => {
    const big = signJson({ rows: Array.from({ length: 250_000 }, (_, i) => ({ serial: `S-${i}`, lot: `REEL-${i % 977}`, refDes: ['R1', 'C2'], n: i })) }, signing);
    expect(big.length).toBeGreaterThan(15e6);
    const started = performance.now();
    expect(verifyReport(big, keys)).toMatchObject({ valid: true }); // in this thread: the loop is blocked this long
    const inThreadMs = performance.now() - started;
    await verifier.verify(Buffer.from('x\n'), keys); // the worker is up
    const delay = monitorEventLoopDelay({ resolution: 10 });
    // The histogram records a delay only when its own timer gets to run: give it a turn before and after.
    const turn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));
    delay.enable();
    await turn();
    const size = big.length;
    expect(await verifier.verify(big, keys)).toMatchObject({ valid: true }); // big is handed over to the worker, not copied
    await turn();
    delay.disable();
    process.stdout.write(`[verifier] ${(size / 1e6).toFixed(0)} MB JSON: ${inThreadMs.toFixed(0)} ms in this thread; worst event-loop delay while the worker did it ${(delay.max / 1e6).toFixed(0)} ms\n`);
    expect(delay.max / 1e6).toBeLessThan(Math.max(200, inThreadMs / 4)); // relative: the machine may be shared
  });
});
