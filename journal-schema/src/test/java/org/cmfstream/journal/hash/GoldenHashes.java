// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.hash;

/**
 * Known content hashes, computed independently of this code (Python's hashlib over the canonical
 * text written out by hand in {@code ContentHashTest}); they must never change.
 */
final class GoldenHashes {

  static final String ARTIFACT = "71b58c28ba37bdccb72751ed6335d3ffe8c2e295c6d5913fe5b4d39d7c35b379";
  static final String EMPTY_MAP = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
  static final String UNICODE = "e79b2c5bd39b3c19aa4ec103fcb0d6a4fd4efd949fa48d06ce21496d3323a2d0";

  private GoldenHashes() {}
}
