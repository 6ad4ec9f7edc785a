package dev.personalization.neo4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Embedded Neo4j Community with a Bolt connector, for tests.
 *
 * <pre>java -jar target/neo4j-launcher.jar --port 7687 [--data DIR]</pre>
 *
 * Prints exactly one line {@code READY bolt://127.0.0.1:<port>} on stdout once the default
 * database is available; shuts down cleanly on SIGTERM/SIGINT. Without --data a temp dir is
 * used and deleted at exit. Neo4j's own logs go to DIR/logs (debug.log), not stdout.
 */
public final class Launcher {
    public static void main(String[] args) throws Exception {
        int port = 7687;
        Path data = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--data" -> data = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: java -jar neo4j-launcher.jar --port 7687 [--data DIR]");
                    System.exit(2);
                }
            }
        }
        final boolean tempData = data == null;
        final Path home = tempData ? Files.createTempDirectory("neo4j-embedded-") : data;
        Files.createDirectories(home);

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                // Auth off: the driver may send any user/password and is accepted.
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                // Modest memory: the machine is shared with jest workers.
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(256))
                // Don't reserve a 256 MiB transaction log file up front; tests write little.
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                // Bolt shutdown otherwise waits 2 x 5 s for connections/worker threads to drain,
                // making every SIGTERM take ~10 s. Tests don't need a graceful drain.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(200))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(200))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                dbms.shutdown();
            } catch (Throwable t) {
                t.printStackTrace();
            }
            if (tempData) deleteTree(home);
            stopped.countDown();
        }, "neo4j-launcher-shutdown"));

        // build() returns with Bolt bound; wait until the default database accepts transactions.
        if (!dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).isAvailable(120_000)) {
            System.err.println("neo4j database did not become available");
            System.exit(1); // runs the shutdown hook
        }
        System.out.println("READY bolt://127.0.0.1:" + port);
        System.out.flush();
        stopped.await(); // park the main thread; the shutdown hook does the work
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e);
        }
    }
}
