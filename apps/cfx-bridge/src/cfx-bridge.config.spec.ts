import { loadEnv } from '@trace/platform';
import { CfxBridgeEnv, mappingConfigOf } from './cfx-bridge.config';
import { connectionOptionsOf } from './cfx-amqp.consumer';

describe('the CFX bridge configuration', () => {
  it('reads the broker, the address and the mapping tables', () => {
    const env = loadEnv(CfxBridgeEnv, {
      CFX_AMQP_URL: 'amqps://line:s%3Acret@broker.site1:5671',
      CFX_ADDRESS: 'cfx.line1',
      CFX_VENDOR_ALIASES: JSON.stringify({ 'V-MURATA': ['Murata Electronics'] }),
      CFX_WORK_ORDERS: JSON.stringify({ 'WO-1': { brand: 'Acme', productPartNumber: 'GW-100' } }),
      CFX_CUSTOMER_BRANDS: JSON.stringify({ Acme: ['Acme Corporation', 'ACME Corp.'] }),
    });
    const config = mappingConfigOf(env);
    expect(config.vendorAliases.get('murata electronics')).toBe('V-MURATA');
    expect(config.vendorAliases.get('v murata')).toBe('V-MURATA');
    expect(config.workOrders.get('WO-1')).toEqual({ brand: 'Acme', productPartNumber: 'GW-100' });
    expect(config.customerBrands?.get('acme corp')).toBe('Acme');
    expect(connectionOptionsOf(env.CFX_AMQP_URL)).toMatchObject({ host: 'broker.site1', port: 5671, username: 'line', password: 's:cret', transport: 'tls' });
  });

  it.each([
    [{ CFX_AMQP_URL: 'http://broker:5672' }, 'CFX_AMQP_URL'],
    [{ CFX_VENDOR_ALIASES: '{not json' }, 'CFX_VENDOR_ALIASES'],
    [{ CFX_PREFETCH: '0' }, 'CFX_PREFETCH'],
  ])('refuses to start on %j, naming the variable', (environment, variable) => {
    expect(() => loadEnv(CfxBridgeEnv, environment)).toThrow(variable);
  });

  it.each([
    [{ CFX_WORK_ORDERS: JSON.stringify({ 'WO-1': { brand: 'Acme' } }) }, 'CFX_WORK_ORDERS'],
    [{ CFX_VENDOR_ALIASES: JSON.stringify({ 'V-A': ['Acme Parts'], 'V-B': ['ACME parts'] }) }, 'CFX_VENDOR_ALIASES'],
    [{ CFX_CUSTOMER_BRANDS: JSON.stringify({ Acme: 'Acme Corporation' }) }, 'CFX_CUSTOMER_BRANDS'],
    [{ CFX_CUSTOMER_BRANDS: JSON.stringify({ Acme: ['Globex'], Globex: [] }) }, 'CFX_CUSTOMER_BRANDS'],
  ])('refuses mapping tables that do not fit: %j', (environment, variable) => {
    expect(() => mappingConfigOf(loadEnv(CfxBridgeEnv, environment))).toThrow(variable);
  });
});
