// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.deploy.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process of the stack or launcher, with its output appended to a log file.
 *
 * <p>Its standard input is a pipe from this JVM that is never written to. Child JVMs started
 * through {@link #java} watch that pipe ({@link ParentWatch}) and shut down cleanly when it
 * closes, which happens whenever this JVM goes away, even by SIGKILL. So no orphan is left behind.
 */
public final class ChildProcess implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);

  /**
   * The environment variable of options added to every child JVM, after its own: for a diagnostic
   * run, e.g. a profiler agent writing {@code /tmp/profile-{name}.collapsed}.
   */
  public static final String EXTRA_OPTIONS = "CMFSTREAM_CHILD_JVM_OPTIONS";

  private final String name;
  private final Process process;
  private final Path log;
  private final Duration stopTimeout;

  private ChildProcess(final String name, final Process process, final Path log, final Duration stopTimeout) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.stopTimeout = stopTimeout;
  }

  /**
   * Starts {@code mainClass} in a new JVM on the given class path.
   *
   * @param name a short name for logs and messages
   * @param classPath the child's class path
   * @param jvmOptions options such as {@code -Xmx512m}
   * @param mainClass the class to run
   * @param args its arguments
   * @param env extra environment variables
   * @param log the file that receives the child's standard output and error; the JVM's garbage
   *     collections go beside it, to {@code <name>-gc.log} (two files of at most 10 MB), since a
   *     latency tail's first question is where a pause went
   * @param stopTimeout how long a graceful stop may take before the child is killed
   */
  public static ChildProcess java(
      final String name,
      final String classPath,
      final List<String> jvmOptions,
      final String mainClass,
      final List<String> args,
      final Map<String, String> env,
      final Path log,
      final Duration stopTimeout) {
    final List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(extraOptions(System.getenv(EXTRA_OPTIONS), name));
    command.add("-Xlog:gc:file=" + log.resolveSibling(name + "-gc.log") + ":time,uptime:filecount=2,filesize=10m");
    command.add("-cp");
    command.add(classPath);
    command.add(mainClass);
    command.addAll(args);
    return start(name, command, env, log, stopTimeout);
  }

  /** {@code options} split at white space, each {@code {name}} replaced by the child's name; none if blank. */
  static List<String> extraOptions(final String options, final String name) {
    if (options == null || options.isBlank()) {
      return List.of();
    }
    return Arrays.stream(options.strip().split("\\s+")).map(o -> o.replace("{name}", name)).toList();
  }

  static ChildProcess start(
      final String name,
      final List<String> command,
      final Map<String, String> env,
      final Path log,
      final Duration stopTimeout) {
    try {
      Files.createDirectories(log.getParent());
      final ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().putAll(env);
      builder.redirectErrorStream(true);
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      // stdin stays a pipe on purpose: its end-of-file tells the child that we are gone.
      builder.redirectInput(ProcessBuilder.Redirect.PIPE);
      final Process process = builder.start();
      LOG.debug("started {} as pid {}", name, process.pid());
      return new ChildProcess(name, process, log, stopTimeout);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  /** The processes this child started, while they run. */
  public List<Long> descendantPids() {
    return process.descendants().map(ProcessHandle::pid).toList();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** Fails with the end of the child's log if it has exited. */
  public void checkAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          name + " exited with code " + process.exitValue() + "; the end of its log " + log + ":\n" + tailOfLog(40));
    }
  }

  /** The last lines of the child's log, for error messages. */
  public String tailOfLog(final int lines) {
    try {
      final List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /**
   * Stops the child: SIGTERM, then SIGKILL after the stop timeout. Descendants the child left
   * behind are killed too. Waits until all of them are gone.
   */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    final List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("{} did not stop within {}; killing it", name, stopTimeout);
        process.destroyForcibly();
        process.waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    for (final ProcessHandle descendant : descendants) {
      if (descendant.isAlive()) {
        descendant.destroyForcibly();
        descendant.onExit().join();
      }
    }
  }
}
