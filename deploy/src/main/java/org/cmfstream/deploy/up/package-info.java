// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
/**
 * {@code ./cmf-stream up}: the local stack, the three services and the front door, started
 * together, reported with their URLs, and stopped together.
 */
package org.cmfstream.deploy.up;
