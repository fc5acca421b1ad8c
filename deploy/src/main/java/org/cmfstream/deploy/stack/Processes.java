// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.deploy.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the kernel says about processes: for checks that nothing of a stack is left running. */
public final class Processes {

  private Processes() {}

  /**
   * Whether {@code pid} is a running process. A zombie (exited, not yet reaped by a parent that
   * is not ours) is not running: it holds no port, no file and no memory.
   */
  public static boolean isRunning(final long pid) {
    try {
      final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The state follows the command name, which is in parentheses and may contain spaces.
      final char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return false;
    }
  }

  /** The ones of {@code pids} still running. */
  public static List<Long> running(final List<Long> pids) {
    return pids.stream().filter(Processes::isRunning).toList();
  }
}
