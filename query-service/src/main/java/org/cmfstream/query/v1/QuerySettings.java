// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.v1;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * Limits of the v1 API, under {@code cmfstream.query}: page sizes, and how far and how wide one
 * lineage request may walk, so that no request can hold a store for long.
 */
@ConfigurationProperties("cmfstream.query")
public interface QuerySettings {

  @Bindable(defaultValue = "50")
  int getDefaultPageSize();

  @Bindable(defaultValue = "500")
  int getMaxPageSize();

  @Bindable(defaultValue = "5")
  int getDefaultLineageDepth();

  @Bindable(defaultValue = "25")
  int getMaxLineageDepth();

  @Bindable(defaultValue = "500")
  int getDefaultLineageNodes();

  @Bindable(defaultValue = "5000")
  int getMaxLineageNodes();

  /**
   * A lineage that reaches more nodes within its depth than this is walked a level at a time (a
   * query per level, cut at the node budget) instead of found in one query, which must collect and
   * sort every node it reaches: so a request's work is bounded by the width of one level, not by
   * everything downstream of, say, an environment every execution reads.
   */
  @Bindable(defaultValue = "10000")
  int getLineageOnePassNodes();

  /** A lineage walk that takes longer stops, answers what it has, and says {@code truncated}. */
  @Bindable(defaultValue = "2s")
  Duration getLineageTimeout();
}
