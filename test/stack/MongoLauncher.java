import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs mongo-java-server (MongoDB wire protocol) for local tests, reporting MongoDB 7.0.0 / wire version 21 so that
 * the Node.js driver 7 (mongoose 9) accepts it. No build step:
 *
 * <pre>java -cp '.stack/lib/*' test/stack/MongoLauncher.java &lt;host&gt; &lt;port&gt; [memory|h2:&lt;file&gt;]</pre>
 *
 * Prints one line starting with "ready" once it accepts connections; stops cleanly on SIGTERM/SIGINT (an H2 store
 * is only durable after such a clean stop, not after SIGKILL).
 */
public final class MongoLauncher {

    /** The version reported to clients (hello / buildInfo). */
    enum Mongo7 implements MongoVersion {
        INSTANCE;

        @Override
        public List<Integer> getVersionArray() {
            return List.of(7, 0, 0);
        }

        @Override
        public int getWireVersion() {
            return 21;
        }
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: java -cp '.stack/lib/*' test/stack/MongoLauncher.java <host> <port> [memory|h2:<file>]");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String backendSpec = args.length == 3 ? args[2] : "memory";

        MongoBackend backend;
        if (backendSpec.equals("memory")) {
            backend = new MemoryBackend();
        } else if (backendSpec.startsWith("h2:") && backendSpec.length() > 3) {
            backend = new H2Backend(backendSpec.substring(3));
        } else {
            System.err.println("unknown backend '" + backendSpec + "': use memory or h2:<file>");
            System.exit(2);
            return;
        }
        backend.version(Mongo7.INSTANCE);

        MongoServer server = new MongoServer(backend);
        try {
            server.bind(host, port);
        } catch (RuntimeException e) {
            System.err.println("could not bind " + host + ":" + port + ": " + e);
            backend.close();
            System.exit(1);
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping mongo-java-server on " + host + ":" + port);
            server.shutdown(); // stops listening, closes connections, closes (and for H2 commits) the backend
            System.out.println("stopped");
            System.out.flush();
            stopped.countDown();
        }, "mongo-launcher-shutdown"));

        System.out.println("ready: mongo-java-server " + backendSpec + " on mongodb://" + host + ":" + port
            + " (reports MongoDB " + Mongo7.INSTANCE.toVersionString() + ", wire version " + Mongo7.INSTANCE.getWireVersion() + ")");
        System.out.flush();
        stopped.await(); // Netty's threads keep the JVM alive; this only parks main until the hook ran
    }
}
