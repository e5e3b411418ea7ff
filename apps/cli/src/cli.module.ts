import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AccessModule } from '@trace/access';
import { PlatformEnv, mongooseOptions } from '@trace/platform';
import { ReportKeysModule } from '@trace/reports';

@Module({})
export class CliModule {
  static forRoot(env: PlatformEnv): DynamicModule {
    return { module: CliModule, imports: [MongooseModule.forRoot(env.MONGO_URL, mongooseOptions(env)), AccessModule, ReportKeysModule.register()] };
  }
}
