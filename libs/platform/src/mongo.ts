import { MongooseModuleFactoryOptions } from '@nestjs/mongoose';
import { PlatformEnv } from './platform.config';

/** Mongoose connection options from the platform settings. */
export function mongooseOptions(env: PlatformEnv): MongooseModuleFactoryOptions {
  const w = /^\d+$/.test(env.MONGO_WRITE_CONCERN) ? Number(env.MONGO_WRITE_CONCERN) : env.MONGO_WRITE_CONCERN;
  return {
    uri: env.MONGO_URL,
    dbName: dbNameOf(env),
    // Journaled writes: an offset is committed only after its effect survives a database restart.
    writeConcern: { w: w as number | 'majority', journal: true },
    serverSelectionTimeoutMS: 5_000,
    autoIndex: true,
    autoCreate: true,
  };
}

/** The database name: the URL's path if it has one, else MONGO_DB. */
export function dbNameOf(env: PlatformEnv): string {
  const path = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(env.MONGO_URL)?.[1];
  return path ? decodeURIComponent(path) : env.MONGO_DB;
}
