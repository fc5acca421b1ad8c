// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.deploy.stack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Kafka broker in KRaft mode (broker and controller combined), as run inside its own
 * JVM by {@link ServerMain}. The storage is formatted on first start and reused afterwards.
 */
final class KafkaBroker implements AutoCloseable {

  private final KafkaRaftServer server;

  private KafkaBroker(final KafkaRaftServer server) {
    this.server = server;
  }

  static KafkaBroker start(final Path dir, final int brokerPort, final int controllerPort) throws IOException {
    final Path logDir = dir.resolve("data");
    Files.createDirectories(logDir);
    final Properties props = config(logDir, brokerPort, controllerPort);
    final Path configFile = dir.resolve("server.properties");
    try (Writer out = Files.newBufferedWriter(configFile)) {
      props.store(out, "written by the cmf-stream local stack at every start");
    }
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      format(configFile);
    }
    final KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    server.startup();
    return new KafkaBroker(server);
  }

  static Properties config(final Path logDir, final int brokerPort, final int controllerPort) {
    final String host = "127.0.0.1";
    final Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.bootstrap.servers", host + ":" + controllerPort);
    p.setProperty("listeners", "PLAINTEXT://" + host + ":" + brokerPort + ",CONTROLLER://" + host + ":" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
    p.setProperty("log.dirs", logDir.toString());
    // One node: every internal topic has a single replica. Transactions (exactly_once_v2) need
    // the min ISR lowered too, or transactional producers and Streams fail.
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    // Consumers and Streams start at once instead of waiting 3 s for more members.
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    // Topics are created ahead of time with their intended settings; a typo must fail loudly.
    p.setProperty("auto.create.topics.enable", "false");
    p.setProperty("num.partitions", "6");
    return p;
  }

  private static void format(final Path configFile) {
    final ByteArrayOutputStream output = new ByteArrayOutputStream();
    final int rc;
    try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      rc =
          StorageTool.execute(
              new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", configFile.toString(), "--standalone"},
              out);
    }
    final String text = output.toString(StandardCharsets.UTF_8);
    System.out.print(text);
    if (rc != 0) {
      throw new IllegalStateException("formatting Kafka storage failed (" + rc + "): " + text);
    }
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
