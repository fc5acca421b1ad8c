// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.workload;

/**
 * One record of a site's native journal.
 *
 * @param seq its number in the site's journal, from 1
 * @param kind {@code pipeline, stage, execution, artifact, event} or {@code metric}
 * @param json the whole NDJSON line, without its newline
 */
public record JournalLine(long seq, String kind, String json) {}
