// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.testing;

import org.cmfstream.deploy.stack.StackEndpoints;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts the {@linkplain SharedLocalStack shared local stack} before a test class and hands its
 * {@link StackEndpoints} to any test constructor, lifecycle method or test method that asks.
 *
 * <pre>{@code
 * @ExtendWith(LocalStackExtension.class)
 * class SomethingIT {
 *   @Test void shouldWork(StackEndpoints stack) { ... stack.kafkaBootstrap() ... }
 * }
 * }</pre>
 */
public final class LocalStackExtension implements BeforeAllCallback, ParameterResolver {

  @Override
  public void beforeAll(final ExtensionContext context) {
    SharedLocalStack.endpoints();
  }

  @Override
  public boolean supportsParameter(final ParameterContext parameter, final ExtensionContext context) {
    return parameter.getParameter().getType() == StackEndpoints.class;
  }

  @Override
  public Object resolveParameter(final ParameterContext parameter, final ExtensionContext context) {
    return SharedLocalStack.endpoints();
  }
}
