// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
/**
 * The workload generator: realistic CMF metadata at any scale, deterministic for a seed.
 *
 * <p>{@link org.cmfstream.workload.WorkloadSpec} says how much; {@link
 * org.cmfstream.workload.Workload} yields it, streamed, as cmf pushes ({@link
 * org.cmfstream.workload.CmfPush}, the {@code dumptojson} shape) and as native journal batches
 * ({@link org.cmfstream.workload.JournalBatch}). {@link org.cmfstream.workload.Generate} writes
 * either to files.
 */
package org.cmfstream.workload;
