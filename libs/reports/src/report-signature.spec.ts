import { generateKeyPairSync } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { csvField } from './report-csv';
import { PublicReportKey, ReportSigningKey, keyIdOf, signJson, signWithTrailer, verifyReport } from './report-signature';

const makeKey = (): { signing: ReportSigningKey; published: PublicReportKey } => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const keyId = keyIdOf(publicKey);
  return {
    signing: { keyId, privateKey },
    published: { keyId, algorithm: 'Ed25519', publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(), createdAt: '2026-11-22T00:00:00.000Z' },
  };
};

/** Every one-byte change of a file: each position, each of a few values. */
function* oneByteChanges(file: Buffer): Generator<Buffer> {
  for (let i = 0; i < file.length; i++) {
    for (const delta of [1, 0x20, 0x80]) {
      const copy = Buffer.from(file);
      copy[i] = (copy[i]! + delta) & 0xff;
      yield copy;
    }
  }
}

describe('canonical JSON', () => {
  it('sorts members by name at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: null, y: 'x' }], c: true } })).toBe('{"a":{"c":true,"d":[3,{"y":"x","z":null}]},"b":1}');
  });

  it('writes strings and numbers as RFC 8785 does', () => {
    expect(canonicalJson({ s: 'é\u0001"\\\n', n: [1e21, 0.1, -0, 100] })).toBe('{"n":[1e+21,0.1,0,100],"s":"é\\u0001\\"\\\\\\n"}');
  });

  it('leaves out undefined members and refuses what JSON cannot hold', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/NaN/);
  });
});

describe('signed reports', () => {
  const key = makeKey();
  const other = makeKey();

  it('verifies an untouched CSV, PDF-like and JSON report', () => {
    expect(verifyReport(signWithTrailer('csv', Buffer.from('a,b\r\n1,2\r\n'), key.signing), [key.published])).toMatchObject({ valid: true, format: 'csv', keyId: key.published.keyId });
    expect(verifyReport(signWithTrailer('pdf', Buffer.from('%PDF-1.3\nbinary \x00\xff\n%%EOF'), key.signing), [key.published])).toMatchObject({ valid: true, format: 'pdf' });
    expect(verifyReport(signJson({ b: [1, 2], a: 'x' }, key.signing), [key.published])).toMatchObject({ valid: true, format: 'json' });
  });

  it.each([
    ['csv', () => signWithTrailer('csv', Buffer.from('path,refDes\r\nGW-1,"C1 C2"\r\n'), key.signing)],
    ['pdf', () => signWithTrailer('pdf', Buffer.from('%PDF-1.3\n1 0 obj\n<<>>\nendobj\n%%EOF\n'), key.signing)],
    ['json', () => signJson({ header: { serial: 'GW-1' }, bom: [{ q: 1 }] }, key.signing)],
  ])('fails for every one-byte change of a %s report, and for a byte added or cut', (_format, make) => {
    const file = make();
    expect(verifyReport(file, [key.published, other.published]).valid).toBe(true);
    let changes = 0;
    for (const changed of oneByteChanges(file)) {
      changes++;
      expect(verifyReport(changed, [key.published, other.published]).valid).toBe(false);
    }
    expect(changes).toBe(file.length * 3);
    expect(verifyReport(file.subarray(0, file.length - 1), [key.published]).valid).toBe(false);
    expect(verifyReport(file.subarray(1), [key.published]).valid).toBe(false);
    expect(verifyReport(Buffer.concat([file, Buffer.from('\n')]), [key.published]).valid).toBe(false);
  });

  it('says a report signed by another key is not authentic, and names the unknown key', () => {
    const file = signWithTrailer('csv', Buffer.from('a\r\n'), other.signing);
    expect(verifyReport(file, [key.published])).toMatchObject({ valid: false, reason: `unknown report key ${other.published.keyId}` });
  });

  it('refuses a re-signed report whose trailer names a key that did not sign it', () => {
    const file = signWithTrailer('csv', Buffer.from('a\r\n'), other.signing).toString('latin1').replace(other.published.keyId, key.published.keyId);
    expect(verifyReport(Buffer.from(file, 'latin1'), [key.published, other.published])).toMatchObject({ valid: false, reason: expect.stringMatching(/signature does not match/) });
  });

  it('refuses JSON that parses to the signed content but is not its canonical bytes', () => {
    const file = signJson({ a: 1 }, key.signing).toString('utf8');
    expect(verifyReport(Buffer.from(file.replace('{"a":1', '{ "a": 1'), 'utf8'), [key.published])).toMatchObject({ valid: false, reason: expect.stringMatching(/canonical/) });
  });
});

describe('CSV fields', () => {
  it('quotes commas, quotes and line breaks, and defuses spreadsheet formulas', () => {
    expect(csvField('C1 C2')).toBe('C1 C2');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe('"=HYPERLINK(""x"")"');
    expect(csvField(null)).toBe('');
    expect(csvField(42)).toBe('42');
  });
});
