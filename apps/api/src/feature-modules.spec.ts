import { Global, Module, Type } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { Test } from '@nestjs/testing';
import { ThrottlerModule } from '@nestjs/throttler';
import { ApiKeysRepository, Principal, SessionsRepository } from '@trace/access';
import { BackwardTracer, ForwardTracer, IdLookup } from '@trace/genealogy';
import { KafkaClients, loadEnv } from '@trace/platform';
import { ReportJobsRepository, ReportKeysRepository } from '@trace/reports';
import { AdminController } from './admin/admin.controller';
import { AdminModule } from './admin/admin.module';
import { BrandsModule } from './brands/brands.module';
import { PublishBrandEventUseCase } from './brands/publish-brand-event.use-case';
import { ApiEnv } from './api.config';
import { IngestFreshness } from './common/ingest-freshness.service';
import { CursorSigner } from './common/paging';
import { AnalyseCommonalityUseCase } from './commonality/analyse-commonality.use-case';
import { CommonalityModule } from './commonality/commonality.module';
import { ChangeContainmentStatusUseCase } from './containment/change-containment-status.use-case';
import { ContainmentModule } from './containment/containment.module';
import { ExposureController } from './exposure/exposure.controller';
import { ExposureModule } from './exposure/exposure.module';
import { VendorExposureUseCase } from './exposure/vendor-exposure.use-case';
import { GenealogyController } from './genealogy/genealogy.controller';
import { GenealogyModule } from './genealogy/genealogy.module';
import { CheckHealthUseCase } from './health/check-health.use-case';
import { HealthModule } from './health/health.module';
import { ReportJobRunner } from './reports/report-job.runner';
import { ReportsController } from './reports/reports.controller';
import { ReportsModule } from './reports/reports.module';
import { SearchController } from './search/search.controller';
import { SearchModule } from './search/search.module';
import { SessionsController } from './sessions/sessions.controller';
import { SessionsModule } from './sessions/sessions.module';
import { WhereUsedModule } from './where-used/where-used.module';
import { WhereUsedUseCase } from './where-used/where-used.use-case';

const env = loadEnv(ApiEnv, {});

// A database connection whose models are never used: the repositories are replaced by fakes below, so a module
// compiles here without a MongoDB server.
const fakeModel: Record<string, unknown> = { discriminator: () => fakeModel };
const fakeConnection = { models: {}, model: () => fakeModel };

/** What CommonModule and the app's root give every feature, faked: the environment, cursors, Kafka, freshness. */
@Global()
@Module({
  imports: [ThrottlerModule.forRoot({ throttlers: [{ name: 'default', ttl: 60_000, limit: 1_000 }] })],
  providers: [
    { provide: ApiEnv, useValue: env },
    { provide: CursorSigner, useValue: new CursorSigner('x'.repeat(32)) },
    { provide: KafkaClients, useValue: { topicPrefix: '', producer: jest.fn(), admin: jest.fn() } },
    { provide: IngestFreshness, useValue: { lag: jest.fn(), ofReport: jest.fn() } },
    { provide: getConnectionToken(), useValue: fakeConnection },
  ],
  exports: [ApiEnv, CursorSigner, KafkaClients, IngestFreshness, getConnectionToken()],
})
class FakeRootModule {}

const SITE_ADMIN: Principal = { keyId: 'k-admin', role: 'admin', scope: { kind: 'site' } };

async function compile(feature: Type | ReturnType<typeof ReportsModule.forRoot>, fakes: [unknown, unknown][] = []) {
  let builder = Test.createTestingModule({ imports: [FakeRootModule, feature] });
  for (const [token, value] of fakes) builder = builder.overrideProvider(token).useValue(value);
  return builder.compile();
}

describe('the feature modules of the API', () => {
  it('genealogy: the controller hands the serial and the caller scope to TraceSerialUseCase, which asks the backward tracer', async () => {
    const trace = jest.fn(() => Promise.resolve({ serial: 'SN-1' }));
    const ref = await compile(GenealogyModule, [[BackwardTracer, { trace }]]);
    await expect(ref.get(GenealogyController).genealogy({ serial: 'SN-1' }, { history: true }, { kind: 'site' })).resolves.toEqual({ serial: 'SN-1' });
    expect(trace).toHaveBeenCalledWith('SN-1', { kind: 'site' }, { history: true });
  });

  it('genealogy: an unknown serial is a 404', async () => {
    const ref = await compile(GenealogyModule, [[BackwardTracer, { trace: () => Promise.resolve(undefined) }]]);
    await expect(ref.get(GenealogyController).genealogy({ serial: 'SN-X' }, { history: false }, { kind: 'site' })).rejects.toMatchObject({ status: 404 });
  });

  it('where-used: wires its use case to the forward tracer and the shared cursor signer', async () => {
    const ref = await compile(WhereUsedModule, [[ForwardTracer, { fromLot: () => Promise.resolve(undefined) }]]);
    const useCase = ref.get(WhereUsedUseCase);
    const command = { material: { kind: 'lot', lotId: 'L-1' }, filter: {}, scope: { kind: 'site' }, caller: 'k', history: false, limit: 10, total: false } as const;
    await expect(useCase.execute({ ...command, format: 'json' })).rejects.toMatchObject({ status: 404 });
    await expect(useCase.execute({ ...command, format: 'ndjson' })).rejects.toMatchObject({ status: 404 });
  });

  it('exposure: wires its controller and use case to the forward tracer', async () => {
    const ref = await compile(ExposureModule, [[ForwardTracer, { fromVendor: () => Promise.resolve(undefined) }]]);
    expect(ref.get(ExposureController)).toBeInstanceOf(ExposureController);
    const command = { vendorId: 'V-1', filter: {}, scope: { kind: 'site' }, caller: 'k', history: false, format: 'json', limit: 10, total: false } as const;
    await expect(ref.get(VendorExposureUseCase).execute(command)).rejects.toMatchObject({ status: 404 });
  });

  it('commonality: wires its use case', async () => {
    const ref = await compile(CommonalityModule);
    expect(ref.get(AnalyseCommonalityUseCase)).toBeInstanceOf(AnalyseCommonalityUseCase);
  });

  it('containment: publishes nothing for an unknown material (404 first)', async () => {
    const producer = jest.fn();
    const ref = await compile(ContainmentModule, [
      [ForwardTracer, { fromLot: () => Promise.resolve(undefined) }],
      [KafkaClients, { topicPrefix: '', producer }],
    ]);
    const command = { material: { kind: 'lot', lotId: 'L-1' }, status: 'hold', reason: 'r', scope: { kind: 'site' }, keyId: 'k', correlationId: 'c' } as const;
    await expect(ref.get(ChangeContainmentStatusUseCase).execute(command)).rejects.toMatchObject({ status: 404 });
    expect(producer).not.toHaveBeenCalled();
  });

  it('brands: publishes a brand event through the app\'s one producer, to the prefixed brand topic, keyed by brand', async () => {
    const sendBatch = jest.fn(() => Promise.resolve([]));
    const ref = await compile(BrandsModule, [[KafkaClients, { topicPrefix: 'p.', producer: () => Promise.resolve({ sendBatch }) }]]);
    const data = { brand: 'Acme', approvalId: 'A-1', internalPartNumber: 'IPN-1', manufacturer: 'M', mpn: 'MPN-1' };
    const event = await ref.get(PublishBrandEventUseCase).execute({ type: 'PartApproved', data, correlationId: 'c-1' });
    expect(event).toMatchObject({ type: 'PartApproved', data, correlationId: 'c-1' });
    expect(sendBatch).toHaveBeenCalledWith({ acks: -1, topicMessages: [{ topic: 'p.trace.brand.v1', messages: [expect.objectContaining({ key: 'Acme', headers: { 'correlation-id': 'c-1' } })] }] });
  });

  it('search: the controller answers the lookup of the id, in the caller scope', async () => {
    const find = jest.fn(() => Promise.resolve([{ kind: 'serial', id: 'SN-1' }]));
    const ref = await compile(SearchModule, [[IdLookup, { find }]]);
    await expect(ref.get(SearchController).search({ q: 'SN-1' }, { kind: 'site' })).resolves.toEqual({ q: 'SN-1', matches: [{ kind: 'serial', id: 'SN-1' }] });
  });

  it('admin: a brand admin may not make a site-wide key (403), and a site admin lists keys through the repository', async () => {
    const keys = { create: jest.fn(), list: jest.fn(() => Promise.resolve([])), revoke: jest.fn(() => Promise.resolve(false)) };
    const ref = await compile(AdminModule, [[ApiKeysRepository, keys]]);
    const admin = ref.get(AdminController);
    const brandAdmin: Principal = { keyId: 'k-b', role: 'admin', scope: { kind: 'brands', brands: ['Acme'] } };
    await expect(admin.createKey({ role: 'quality', allBrands: true }, brandAdmin)).rejects.toMatchObject({ status: 403 });
    expect(keys.create).not.toHaveBeenCalled();
    await expect(admin.createKey({ role: 'approver', allBrands: true }, SITE_ADMIN)).rejects.toMatchObject({ status: 400 });
    await expect(admin.createKey({ role: 'approver', brands: ['Acme', 'Globex'] }, SITE_ADMIN)).rejects.toMatchObject({ status: 400 });
    expect(keys.create).not.toHaveBeenCalled();
    await expect(admin.listKeys(SITE_ADMIN)).resolves.toEqual([]);
    await expect(admin.revokeKey('k-none', SITE_ADMIN)).rejects.toMatchObject({ status: 404 });
  });

  it('sessions: wires its controller and gives the sessions repository the configured lifetimes', async () => {
    const sessions = { configure: jest.fn() };
    const ref = await compile(SessionsModule, [[SessionsRepository, sessions]]);
    expect(ref.get(SessionsController)).toBeInstanceOf(SessionsController);
    await ref.init();
    expect(sessions.configure).toHaveBeenCalledWith({ idleMs: env.SESSION_IDLE_MINUTES * 60_000, absoluteMs: env.SESSION_MAX_HOURS * 3_600_000 });
  });

  it('health: wires its use case to the Kafka admin', async () => {
    const ref = await compile(HealthModule);
    expect(ref.get(CheckHealthUseCase)).toBeInstanceOf(CheckHealthUseCase);
  });

  it('reports: wires both controllers, the job runner with its settings, and the key listing', async () => {
    const publicKeys = jest.fn(() => Promise.resolve([]));
    const ref = await compile(ReportsModule.forRoot(env), [
      [ReportKeysRepository, { publicKeys }],
      [ReportJobsRepository, {}],
    ]);
    await expect(ref.get(ReportsController).publicKeys()).resolves.toEqual([]);
    expect(publicKeys).toHaveBeenCalledTimes(1);
    expect(ref.get(ReportJobRunner).settings).toMatchObject({ maxActive: env.REPORT_JOBS_MAX_ACTIVE_PER_KEY, ttlMs: env.REPORT_JOB_TTL_SECONDS * 1000 });
  });
});
