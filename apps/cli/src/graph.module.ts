import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { GenealogyModule } from '@trace/genealogy';
import { PlatformEnv, mongooseOptions } from '@trace/platform';

/** The graph at one database (the live one for `graph digest` and `graph recopy`, the target of `graph rebuild`). */
@Module({})
export class GraphCliModule {
  static forRoot(mongoUrl: string, env: PlatformEnv): DynamicModule {
    // One attempt: a command line says at once that the database is not there, instead of retrying for half a minute.
    const options = { ...mongooseOptions({ ...env, MONGO_URL: mongoUrl }), retryAttempts: 1, retryDelay: 0 };
    return { module: GraphCliModule, imports: [MongooseModule.forRoot(mongoUrl, options), GenealogyModule] };
  }
}
