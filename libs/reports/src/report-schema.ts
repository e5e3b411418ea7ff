import { REPORT_SCHEMA_ID } from './genealogy-report';

// The JSON Schema (draft-07) of a JSON genealogy report, served at GET /v1/reports/schema. The `genealogy` member is
// the genealogy answer, whose full description is the API's OpenAPI document (GenealogyDto).

const str = { type: 'string' };
const nullableStr = { type: ['string', 'null'] };
const strings = { type: 'array', items: str };
const obj = (properties: Record<string, unknown>, required = Object.keys(properties), extra = false) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: extra,
});

const provenance = obj({
  eventId: str,
  type: str,
  source: str,
  occurredAt: { type: 'string', format: 'date-time' },
  topic: str,
  partition: { type: 'integer', minimum: 0 },
  offset: { type: 'string', pattern: '^[0-9]+$' },
});

const finding = obj({ code: str, subject: str, explanation: str, serials: strings });

/** The JSON Schema every JSON genealogy report follows. */
export const REPORT_JSON_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: REPORT_SCHEMA_ID,
  title: 'ems-trace genealogy report',
  description: 'The genealogy report of one serial, signed (see the signature member and the README).',
  definitions: {
    provenance,
    treeNode: obj({
      serial: str,
      refDes: nullableStr,
      path: str,
      started: { type: 'boolean' },
      productPartNumber: nullableStr,
      workOrder: nullableStr,
      materials: { type: 'array', items: obj({ refDes: strings, lotId: str, quantity: { type: 'number' } }) },
      subAssemblies: { type: 'array', items: { $ref: '#/definitions/treeNode' } },
      shown: { enum: ['full', 'elsewhere', 'withheld'] },
    }),
  },
  ...obj(
    {
      $schema: { const: REPORT_SCHEMA_ID },
      reportType: { const: 'genealogy' },
      header: obj(
        {
          serial: str,
          brand: nullableStr,
          productPartNumber: nullableStr,
          workOrder: nullableStr,
          buildPeriod: obj({ first: nullableStr, last: nullableStr }),
          shipments: { type: 'array', items: obj({ shipmentId: str, customer: str, shippedAt: str }) },
          generatedAt: { type: 'string', format: 'date-time' },
          asOf: { type: 'string', format: 'date-time', description: 'Only on a report asked for as of a moment: the genealogy as built then' },
          freshness: obj(
            { newestEventAt: nullableStr, consumerGroup: str, consumerLag: { type: ['integer', 'null'], minimum: 0 }, lagError: str },
            ['newestEventAt', 'consumerGroup', 'consumerLag'],
          ),
        },
        ['serial', 'brand', 'productPartNumber', 'workOrder', 'buildPeriod', 'shipments', 'generatedAt', 'freshness'],
      ),
      tree: { $ref: '#/definitions/treeNode' },
      bom: {
        type: 'array',
        description: 'The as-built bill of materials: one item per installed material',
        items: obj({
          path: str,
          serial: str,
          refDes: strings,
          packageLot: str,
          quantity: { type: 'number' },
          lotStatus: str,
          lotLineage: str,
          sources: {
            type: 'array',
            items: obj({
              vendorLotId: str,
              internalPartNumber: nullableStr,
              mpn: str,
              manufacturer: nullableStr,
              vendorId: str,
              vendorName: nullableStr,
              vendorStatus: str,
              vendorLotCode: str,
              dateCode: nullableStr,
              countryOfOrigin: nullableStr,
            }),
          },
          judgement: { type: ['string', 'null'], description: "The installed material's judgement against its brand's authority: verdict, then approval or deviation with its count" },
          provenance: { $ref: '#/definitions/provenance' },
        }, ['path', 'serial', 'refDes', 'packageLot', 'quantity', 'lotStatus', 'lotLineage', 'sources', 'provenance']),
      },
      flags: { type: 'array', items: finding },
      gaps: { type: 'array', items: finding },
      provenance: { type: 'array', items: { $ref: '#/definitions/provenance' } },
      genealogy: { type: 'object', required: ['serial', 'unit', 'lots', 'vendorLots', 'vendors', 'summary', 'gaps', 'roundTrips'] },
      signature: obj({
        algorithm: { const: 'Ed25519' },
        digest: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
        keyId: str,
        signedContent: str,
        value: { type: 'string', contentEncoding: 'base64' },
      }),
    },
    ['$schema', 'reportType', 'header', 'tree', 'bom', 'flags', 'gaps', 'provenance', 'genealogy', 'signature'],
  ),
} as const;
