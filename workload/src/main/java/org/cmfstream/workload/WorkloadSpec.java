// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.workload;

/**
 * How much metadata a {@link Workload} generates, and of what mix. The same spec (seed included)
 * always yields the same workload, byte for byte.
 *
 * @param seed the seed every random choice derives from
 * @param sites edge sites, each with its own journal and its own environment artifact
 * @param pipelinesPerSite pipelines each site runs
 * @param stages stages per pipeline (2 to 8); every run executes each stage once, in a chain
 * @param runsPerPipeline runs of each pipeline
 * @param sharedDatasets raw data sets in a pool that every pipeline of every site draws from
 * @param reusePercent percent of runs whose second stage reuses the previous run's execution, so
 *     one execution carries the comma-joined uuids of several runs
 * @param nanPercent percent of metric values that are NaN
 * @param labelPercent percent of runs whose first stage reads a label file of its data set
 * @param batchRecords records per native journal batch (the last batch of a site may hold fewer)
 */
public record WorkloadSpec(
    long seed,
    int sites,
    int pipelinesPerSite,
    int stages,
    int runsPerPipeline,
    int sharedDatasets,
    int reusePercent,
    int nanPercent,
    int labelPercent,
    int batchRecords) {

  /** The most stages a pipeline can have: one name each in {@link Workload#STAGE_NAMES}. */
  public static final int MAX_STAGES = 8;

  /** Checks the ranges. */
  public WorkloadSpec {
    positive(sites, "sites");
    positive(pipelinesPerSite, "pipelinesPerSite");
    positive(runsPerPipeline, "runsPerPipeline");
    positive(sharedDatasets, "sharedDatasets");
    positive(batchRecords, "batchRecords");
    if (stages < 2 || stages > MAX_STAGES) {
      throw new IllegalArgumentException("stages must be 2 to " + MAX_STAGES + ", got " + stages);
    }
    percent(reusePercent, "reusePercent");
    percent(nanPercent, "nanPercent");
    percent(labelPercent, "labelPercent");
  }

  /**
   * A small workload with every feature present: 3 sites, 2 pipelines each of 4 stages and 6 runs,
   * 4 shared data sets, 500-record batches; about 1,000 journal records in all.
   */
  public static WorkloadSpec defaults() {
    return new WorkloadSpec(1L, 3, 2, 4, 6, 4, 25, 10, 50, 500);
  }

  /**
   * This spec grown {@code n} times by its number of sites (and shared data sets, so reuse stays
   * alike): records grow linearly, each site's journal keeps its size.
   */
  public WorkloadSpec scaled(final int n) {
    positive(n, "n");
    return new WorkloadSpec(
        seed, Math.multiplyExact(sites, n), pipelinesPerSite, stages, runsPerPipeline, Math.multiplyExact(sharedDatasets, n), reusePercent, nanPercent,
        labelPercent, batchRecords);
  }

  /** This spec with another seed. */
  public WorkloadSpec withSeed(final long newSeed) {
    return new WorkloadSpec(newSeed, sites, pipelinesPerSite, stages, runsPerPipeline, sharedDatasets, reusePercent, nanPercent, labelPercent, batchRecords);
  }

  /** This spec with another number of sites. */
  public WorkloadSpec withSites(final int newSites) {
    return new WorkloadSpec(seed, newSites, pipelinesPerSite, stages, runsPerPipeline, sharedDatasets, reusePercent, nanPercent, labelPercent, batchRecords);
  }

  /** This spec with another number of runs per pipeline. */
  public WorkloadSpec withRuns(final int newRuns) {
    return new WorkloadSpec(seed, sites, pipelinesPerSite, stages, newRuns, sharedDatasets, reusePercent, nanPercent, labelPercent, batchRecords);
  }

  /** This spec with another batch size. */
  public WorkloadSpec withBatchRecords(final int newBatchRecords) {
    return new WorkloadSpec(seed, sites, pipelinesPerSite, stages, runsPerPipeline, sharedDatasets, reusePercent, nanPercent, labelPercent, newBatchRecords);
  }

  private static void positive(final int value, final String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, got " + value);
    }
  }

  private static void percent(final int value, final String name) {
    if (value < 0 || value > 100) {
      throw new IllegalArgumentException(name + " must be 0 to 100, got " + value);
    }
  }
}
