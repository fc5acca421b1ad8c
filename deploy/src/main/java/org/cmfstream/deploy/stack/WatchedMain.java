// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.deploy.stack;

import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Runs another program's {@code main} under a {@link ParentWatch}: {@code WatchedMain <class>
 * <args...>}. The launcher starts each service this way, so that a service never outlives the
 * launcher, even when the launcher is killed outright. Uses nothing but the JDK, so it can be
 * put on any class path.
 */
public final class WatchedMain {

  private WatchedMain() {}

  public static void main(final String[] args) throws Throwable {
    if (args.length < 1) {
      throw new IllegalArgumentException("usage: WatchedMain <main-class> [args...]");
    }
    ParentWatch.exitWhenStdinCloses();
    final Method main = Class.forName(args[0]).getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
