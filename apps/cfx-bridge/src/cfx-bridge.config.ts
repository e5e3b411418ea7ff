import { IsInt, IsJSON, IsNotEmpty, IsString, Matches, Max, Min } from 'class-validator';
import { PlatformEnv } from '@trace/platform';
import { CfxMappingConfig, vendorAliasTable } from './map-cfx-message/cfx-mapping.config';

/** Settings of the CFX bridge (see the README's section "IPC-CFX bridge"). */
export class CfxBridgeEnv extends PlatformEnv {
  /** The AMQP 1.0 broker the CFX endpoints publish to: amqp[s]://[user:password@]host[:port]. */
  @IsString() @Matches(/^amqps?:\/\/([^@/]+@)?[^:/@]+(:\d+)?\/?$/, { message: 'CFX_AMQP_URL must be amqp[s]://[user:password@]host[:port]' })
  CFX_AMQP_URL = 'amqp://127.0.0.1:5672';

  /** The AMQP address (queue) the bridge consumes. */
  @IsString() @IsNotEmpty() CFX_ADDRESS = 'cfx';

  @IsString() @IsNotEmpty() KAFKA_CLIENT_ID = 'trace-cfx-bridge';

  /** JSON `{ "<vendorId>": ["<name as CFX sends it>", ...] }`: resolves CFX's free-text Vendor to a contract vendor id. */
  @IsJSON() CFX_VENDOR_ALIASES = '{}';

  /** JSON `{ "<WorkOrderId>": { "brand": "...", "productPartNumber": "..." } }`: brand and product of each work order's units. */
  @IsJSON() CFX_WORK_ORDERS = '{}';

  /** JSON `{ "<brand>": ["<Customer as the MES writes it>", ...] }`: the brand of a WorkOrdersCreated's Customer. */
  @IsJSON() CFX_CUSTOMER_BRANDS = '{}';

  /** Messages the broker may hand the bridge before it accepted the earlier ones. */
  @IsInt() @Min(1) @Max(10_000) CFX_PREFETCH: number = 100;

  /** The line's AMQP address for requests (BlockMaterialsRequest, UnblockMaterialsRequest); empty: holds are not sent. */
  @IsString() CFX_REQUEST_ADDRESS = '';

  /** Where the line sends its responses (the requests' reply-to). */
  @IsString() @IsNotEmpty() CFX_RESPONSE_ADDRESS = 'cfx.responses';

  /** The bridge's CFX handle: the Source of the requests it sends. */
  @IsString() @IsNotEmpty() CFX_HANDLE = 'ems-trace.cfx-bridge';

  /** The Target of the requests (the line's CFX handle), when the line needs one. */
  @IsString() CFX_TARGET = '';

  /** Longest wait between two attempts to produce to a Kafka that refuses. */
  @IsInt() @Min(100) CFX_MAX_BACKOFF_MS: number = 30_000;

  /** A bound on the whole stop: a close hook still running this long after SIGTERM is logged as an error and the process exits with status 1. */
  @IsInt() @Min(100) @Max(3_600_000) CFX_SHUTDOWN_EXIT_MS: number = 30_000;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The mapping tables of CFX_VENDOR_ALIASES and CFX_WORK_ORDERS; throws naming the variable that is wrong. */
export function mappingConfigOf(env: CfxBridgeEnv): CfxMappingConfig {
  const aliases: unknown = JSON.parse(env.CFX_VENDOR_ALIASES);
  if (!isRecord(aliases) || !Object.values(aliases).every((names) => Array.isArray(names) && names.every((n) => typeof n === 'string'))) {
    throw new Error('Invalid configuration:\n  CFX_VENDOR_ALIASES must be a JSON object of vendor id to a list of names');
  }
  const orders: unknown = JSON.parse(env.CFX_WORK_ORDERS);
  const fits = (o: unknown): boolean => isRecord(o) && typeof o.brand === 'string' && o.brand !== '' && typeof o.productPartNumber === 'string' && o.productPartNumber !== '';
  if (!isRecord(orders) || !Object.values(orders).every(fits)) {
    throw new Error('Invalid configuration:\n  CFX_WORK_ORDERS must be a JSON object of work order to { "brand", "productPartNumber" }');
  }
  let vendorAliases: Map<string, string>;
  try {
    vendorAliases = vendorAliasTable(aliases as Record<string, string[]>);
  } catch (error) {
    throw new Error(`Invalid configuration:\n  CFX_VENDOR_ALIASES: ${(error as Error).message}`);
  }
  const customers: unknown = JSON.parse(env.CFX_CUSTOMER_BRANDS);
  if (!isRecord(customers) || !Object.values(customers).every((names) => Array.isArray(names) && names.every((n) => typeof n === 'string'))) {
    throw new Error('Invalid configuration:\n  CFX_CUSTOMER_BRANDS must be a JSON object of brand to a list of Customer names');
  }
  let customerBrands: Map<string, string>;
  try {
    customerBrands = vendorAliasTable(customers as Record<string, string[]>); // the same loose match, brand for vendor
  } catch (error) {
    throw new Error(`Invalid configuration:\n  CFX_CUSTOMER_BRANDS: ${(error as Error).message.replace('vendor alias', 'customer')}`);
  }
  return {
    vendorAliases,
    customerBrands,
    workOrders: new Map(Object.entries(orders as Record<string, { brand: string; productPartNumber: string }>).map(([k, v]) => [k, { brand: v.brand, productPartNumber: v.productPartNumber }])),
  };
}
