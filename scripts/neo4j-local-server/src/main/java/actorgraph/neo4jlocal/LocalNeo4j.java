package actorgraph.neo4jlocal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * Runs a throwaway Neo4j Community DBMS (embedded) with Bolt on 127.0.0.1, for
 * tests and CI. Started in the background by scripts/neo4j-local.
 *
 * <p>Usage: {@code LocalNeo4j --home DIR --port PORT --ready-file FILE [--pagecache-mb N]
 * [--config FILE]} (FILE: neo4j.conf-style {@code name=value} lines), with the
 * password for user {@code neo4j} in the environment variable
 * {@code NEO4J_LOCAL_PASSWORD} (kept off the command line so it doesn't show in ps).
 *
 * <p>Once Bolt accepts connections and the password is set, the ready file is
 * written atomically as {@code key=value} lines (port, pid, version). SIGTERM
 * shuts the DBMS down cleanly.
 */
public final class LocalNeo4j {
    private static final String HOST = "127.0.0.1";

    private LocalNeo4j() {}

    public static void main(String[] args) throws Exception {
        Path home = null;
        Path readyFile = null;
        int port = -1;
        long pageCacheMb = 128;
        Path config = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--home" -> { home = Path.of(require(args[i], value)); i++; }
                case "--port" -> { port = Integer.parseInt(require(args[i], value)); i++; }
                case "--ready-file" -> { readyFile = Path.of(require(args[i], value)); i++; }
                case "--pagecache-mb" -> { pageCacheMb = Long.parseLong(require(args[i], value)); i++; }
                case "--config" -> { config = Path.of(require(args[i], value)); i++; }
                default -> fail("unknown argument: " + args[i]);
            }
        }
        if (home == null || readyFile == null || port <= 0) {
            fail("usage: LocalNeo4j --home DIR --port PORT --ready-file FILE [--pagecache-mb N]"
                    + " [--config FILE]");
        }
        String password = System.getenv("NEO4J_LOCAL_PASSWORD");
        if (password == null || password.length() < 8) {
            fail("NEO4J_LOCAL_PASSWORD must be set (at least 8 characters)");
        }

        Instant started = Instant.now();
        AtomicReference<DatabaseManagementService> dbms = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            DatabaseManagementService service = dbms.getAndSet(null);
            if (service != null) {
                log("shutting down");
                service.shutdown();
                log("stopped");
            }
        }, "neo4j-local-shutdown"));

        SocketAddress bolt = new SocketAddress(HOST, port);
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home);
        if (config != null) {
            // neo4j.conf lines (the transaction memory limits, from scripts/neo4j-local);
            // the settings below are the launcher's own and win over the file.
            builder.loadPropertiesFromFile(config);
        }
        DatabaseManagementService service = builder
                .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress(HOST))
                .setConfig(GraphDatabaseSettings.default_advertised_address, new SocketAddress(HOST))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                .setConfig(BoltConnector.advertised_address, bolt)
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.preallocate_store_files, false)
                // Internal settings (5s each by default): Bolt shutdown otherwise
                // idles ~10s even with no clients, which only slows tests down.
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .build();
        dbms.set(service);

        GraphDatabaseService system = service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        GraphDatabaseService neo4j = service.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!system.isAvailable(Duration.ofMinutes(2).toMillis())
                || !neo4j.isAvailable(Duration.ofMinutes(2).toMillis())) {
            fail("databases did not become available");
        }

        // Community edition has users (no roles): the built-in user starts with
        // password "neo4j" and a forced change, which drivers cannot get past.
        system.executeTransactionally(
                "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                Map.of("password", password));

        String version = system.executeTransactionally(
                "CALL dbms.components() YIELD versions, edition "
                        + "RETURN versions[0] + ' ' + edition AS v",
                Map.of(),
                result -> String.valueOf(result.next().get("v")));

        waitForPort(port, Duration.ofSeconds(60));

        Path tmp = readyFile.resolveSibling(readyFile.getFileName() + ".tmp");
        String ready = "port=" + port + "\n"
                + "pid=" + ProcessHandle.current().pid() + "\n"
                + "version=" + version + "\n";
        Files.writeString(tmp, ready, StandardCharsets.UTF_8);
        Files.move(tmp, readyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        log("Neo4j " + version + " ready on bolt://" + HOST + ":" + port + " after "
                + Duration.between(started, Instant.now()).toMillis() + " ms");

        // Park the main thread; SIGTERM runs the shutdown hook and exits.
        Thread.currentThread().join();
    }

    private static void waitForPort(int port, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(HOST, port), 1000);
                return;
            } catch (IOException e) {
                if (Instant.now().isAfter(deadline)) {
                    fail("Bolt is not accepting connections on " + HOST + ":" + port + ": " + e);
                }
                Thread.sleep(200);
            }
        }
    }

    private static String require(String flag, String value) {
        if (value == null) {
            fail("missing value for " + flag);
        }
        return value;
    }

    private static void log(String message) {
        System.out.println("[neo4j-local] " + message);
        System.out.flush();
    }

    private static void fail(String message) {
        System.err.println("[neo4j-local] error: " + message);
        System.exit(2);
    }
}
