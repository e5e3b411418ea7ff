import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import java.util.concurrent.CountDownLatch;

/**
 * Runs Apache ActiveMQ Artemis with one AMQP 1.0 acceptor for local tests of the CFX bridge. No build step:
 *
 * <pre>java -cp '.stack/lib-amqp/*' test/stack/ArtemisLauncher.java &lt;host&gt; &lt;port&gt; &lt;data dir&gt;</pre>
 *
 * Persistent (NIO journal in the data dir), no security. Every address is a queue (ANYCAST) created on first use, so a
 * message sent before its consumer attaches waits for it, as a CFX endpoint's messages wait for the bridge; a
 * delivery is redelivered without limit (no dead-letter address: the bridge dead-letters on Kafka). Prints one
 * line starting with "ready" once it accepts connections; stops cleanly on SIGTERM/SIGINT.
 */
public final class ArtemisLauncher {
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: java -cp '.stack/lib-amqp/*' test/stack/ArtemisLauncher.java <host> <port> <data dir>");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String dataDir = args[2];
        Configuration config = new ConfigurationImpl()
            .setName("local-stack-amqp")
            .setPersistenceEnabled(true)
            .setJournalType(JournalType.NIO)
            .setJournalDirectory(dataDir + "/journal")
            .setBindingsDirectory(dataDir + "/bindings")
            .setLargeMessagesDirectory(dataDir + "/large-messages")
            .setPagingDirectory(dataDir + "/paging")
            .setSecurityEnabled(false)
            .setJMXManagementEnabled(false)
            .addAcceptorConfiguration("amqp", "tcp://" + host + ":" + port + "?protocols=AMQP");
        config.addAddressSetting("#", new AddressSettings()
            .setAutoCreateAddresses(true)
            .setAutoCreateQueues(true)
            .setDefaultAddressRoutingType(RoutingType.ANYCAST)
            .setDefaultQueueRoutingType(RoutingType.ANYCAST)
            .setMaxDeliveryAttempts(-1));

        EmbeddedActiveMQ server = new EmbeddedActiveMQ();
        server.setConfiguration(config);
        try {
            server.start();
        } catch (Exception e) {
            System.err.println("could not start Artemis on " + host + ":" + port + ": " + e);
            System.exit(1);
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping Artemis on " + host + ":" + port);
            try {
                server.stop();
            } catch (Exception e) {
                System.err.println("stop failed: " + e);
            }
            System.out.println("stopped");
            System.out.flush();
            stopped.countDown();
        }, "artemis-launcher-shutdown"));

        System.out.println("ready: Artemis AMQP 1.0 on amqp://" + host + ":" + port);
        System.out.flush();
        stopped.await();
    }
}
