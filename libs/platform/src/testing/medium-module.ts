import { DynamicModule, ForwardReference, Type } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Test, TestingModule } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';

type Importable = Type<unknown> | DynamicModule | Promise<DynamicModule> | ForwardReference;

/**
 * The medium tier: `imports` wired the way the apps wire them, against a real database server of this test's own
 * (a fresh database per call, or `dbName` to open one again), without Kafka or HTTP. Close the returned module after the test.
 */
export async function mediumModule(imports: Importable[], dbName = freshDatabaseName()): Promise<TestingModule> {
  const url = process.env.MEDIUM_MONGO_URL;
  if (!url) throw new Error('MEDIUM_MONGO_URL is not set: run the medium tier through jest (npm run test), whose global setup starts a database');
  const moduleRef = await Test.createTestingModule({
    imports: [MongooseModule.forRoot(url, { dbName, serverSelectionTimeoutMS: 10_000 }), ...imports],
  }).compile();
  return moduleRef.init();
}

const freshDatabaseName = (): string => `medium_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
