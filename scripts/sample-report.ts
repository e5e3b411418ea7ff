import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toMessage } from '@trace/contracts';
import { SITE_WIDE, graphWritesFor, judgeWithReads } from '@trace/genealogy';
import { FakeStore, applyWrites, assembleGenealogy, authorityReaderOf, fetchedOf } from '@trace/genealogy/testing';
import { buildGenealogyReport, keyIdOf, renderCsv, renderPdf, signJson, signWithTrailer } from '@trace/reports';
import { gatewayAuthority, gatewayScenario } from '@trace/contracts/testing';

// `npm run -s report:sample [OUT_DIR]`: the demo gateway's report in the three formats, signed with a throwaway key,
// without Kafka or a database (the graph the ingest would build, in memory, with the demo brand's authority, so each
// BOM line carries its judgement as the API's report does); and page images of the PDF when poppler's pdftoppm is installed. The README's sample page comes from here.
async function main(out = 'docs/sample-report'): Promise<void> {
  const scenario = gatewayScenario();
  // Each event at its contract topic, one partition, in order: as a fresh single-partition deployment would see them.
  const store: FakeStore = {};
  const offsets = new Map<string, number>();
  for (const event of [...scenario.events, ...gatewayAuthority()]) {
    const topic = toMessage(event).topic;
    const offset = offsets.get(topic) ?? 0;
    offsets.set(topic, offset + 1);
    applyWrites(store, graphWritesFor({ event, position: { topic, partition: 0, offset: String(offset) } }));
  }
  const genealogy = await judgeWithReads(authorityReaderOf(store), assembleGenealogy(scenario.ids.top, fetchedOf(store)), SITE_WIDE);
  const report = buildGenealogyReport(genealogy, { generatedAt: '2026-11-03T08:00:00.000Z', consumerGroup: 'trace-ingest', consumerLag: 0 });
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const key = { keyId: keyIdOf(publicKey), privateKey };
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'report.json'), signJson(report as unknown as Record<string, unknown>, key));
  writeFileSync(join(out, 'report.csv'), signWithTrailer('csv', renderCsv(report), key));
  writeFileSync(join(out, 'report.pdf'), signWithTrailer('pdf', await renderPdf(report), key));
  writeFileSync(join(out, 'keys.json'), JSON.stringify([{ keyId: key.keyId, algorithm: 'Ed25519', publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(), createdAt: report.header.generatedAt }], null, 2) + '\n');
  try {
    execFileSync('pdftoppm', ['-png', '-r', '80', '-l', '2', join(out, 'report.pdf'), join(out, 'page')]); // the header and the tree
  } catch {
    process.stderr.write('pdftoppm (poppler-utils) not found: no page images\n');
  }
  process.stdout.write(`wrote ${out}/report.{json,csv,pdf}, keys.json and page images\n`);
}

main(process.argv[2]).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
