// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
/**
 * The local stack: a real Kafka broker (KRaft), a real PostgreSQL, a real Neo4j with Bolt and a
 * real S3-compatible server, each started as its own local process on 127.0.0.1 and free ports,
 * under one data directory, health-checked before it is reported ready, and stopped together.
 *
 * <p>{@link org.cmfstream.deploy.stack.LocalStack} is the entry point, for the one-command start
 * and for the integration tests alike.
 */
package org.cmfstream.deploy.stack;
