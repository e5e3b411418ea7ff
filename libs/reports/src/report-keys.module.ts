import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { REPORT_KEY_MODEL, REPORT_KEY_SECRET, ReportKeySchema, ReportKeysRepository } from './report-keys.repository';

/** The report keys in MongoDB. Needs a MongooseModule.forRoot in the app; `secret` encrypts private keys at rest. */
@Module({})
export class ReportKeysModule {
  static register(secret = ''): DynamicModule {
    return {
      module: ReportKeysModule,
      imports: [MongooseModule.forFeature([{ name: REPORT_KEY_MODEL, schema: ReportKeySchema }])],
      providers: [ReportKeysRepository, { provide: REPORT_KEY_SECRET, useValue: secret }],
      exports: [ReportKeysRepository],
    };
  }
}
