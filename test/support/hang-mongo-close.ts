// Preloaded (node -r) into an app a test spawns: the database connection's close never answers, as a driver's close
// may not when its server is gone. @nestjs/mongoose awaits it in its onApplicationShutdown hook, so the app's stop
// hangs there, and the test sees what bounds it (ShutdownDeadline, in @trace/platform).
import { Connection } from 'mongoose';

Connection.prototype.close = () => new Promise<never>(() => undefined);
