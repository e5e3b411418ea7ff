import { MongooseModuleOptions } from '@nestjs/mongoose';
import { PlatformEnv } from './platform.config';

/** Mongoose connection options from the platform settings (the URI is env.MONGO_URL). */
export function mongooseOptions(env: PlatformEnv): MongooseModuleOptions {
  const w = /^\d+$/.test(env.MONGO_WRITE_CONCERN) ? Number(env.MONGO_WRITE_CONCERN) : env.MONGO_WRITE_CONCERN;
  return {
    dbName: dbNameOf(env),
    // Journaled writes: an offset is committed only after its effect survives a database restart.
    writeConcern: { w: w as number | 'majority', journal: true },
    serverSelectionTimeoutMS: 5_000,
    // Collections appear with their first write; every query is by _id, which needs no index of ours.
    autoIndex: false,
    autoCreate: false,
    retryAttempts: 5,
    retryDelay: 2_000,
  };
}

/** The database name: the URL's path if it has one, else MONGO_DB. */
export function dbNameOf(env: PlatformEnv): string {
  const path = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(env.MONGO_URL)?.[1];
  return path ? decodeURIComponent(path) : env.MONGO_DB;
}
