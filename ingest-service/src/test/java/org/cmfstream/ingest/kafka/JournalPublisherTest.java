// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cmfstream.ingest.web.BadInput;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Group commit: which uploads share a transaction, and what they share when it fails. */
class JournalPublisherTest {

  private static final PublisherSettings SETTINGS = new PublisherSettings(3, Duration.ofSeconds(10), Duration.ofSeconds(30), 1_000, Duration.ofSeconds(5));

  /** Every producer the publisher made, in order. */
  private final List<GatedProducer> made = Collections.synchronizedList(new ArrayList<>());
  /** Holds the first commit until released: a commit in flight. */
  private final CountDownLatch release = new CountDownLatch(1);
  private JournalPublisher publisher =
      new JournalPublisher(SETTINGS, n -> newProducer(made.isEmpty() ? release : new CountDownLatch(0)));

  private final ExecutorService uploads = Executors.newCachedThreadPool();

  @AfterEach
  void close() {
    release.countDown();
    publisher.close();
    uploads.shutdownNow();
  }

  @Test
  void shouldCommitTheUploadsThatArriveDuringACommitAsOneTransaction() {
    // given: a first upload whose commit is in flight
    final CompletableFuture<Receipt> first = upload("a", 3);
    await().until(() -> made.size() == 1 && made.get(0).committing.getCount() == 0);

    // when: two more uploads arrive while it commits
    final CompletableFuture<Receipt> second = upload("b", 2);
    final CompletableFuture<Receipt> third = upload("c", 4);
    await().until(() -> made.size() == 2 && made.get(1).uncommittedRecords().size() == 2 + 1 + 4 + 1);
    assertThat(second).isNotDone();
    release.countDown();

    // then: they share the next transaction, each with its own records and barrier
    assertThat(first.join().accepted()).isEqualTo(3);
    assertThat(second.join().accepted()).isEqualTo(2);
    assertThat(third.join().accepted()).isEqualTo(4);
    assertThat(made.get(0).commitCount()).isEqualTo(1);
    assertThat(made.get(1).commitCount()).isEqualTo(1);
    assertThat(made.get(1).history()).extracting(ProducerRecord::key).containsOnly("b", "c").hasSize(8);
    assertThat(made).hasSize(2);
  }

  @Test
  void shouldAnswerEveryUploadOfATransactionKafkaFailedUnavailableAndReplaceTheProducer() {
    // given: a commit in flight, and a group gathering whose commit Kafka will refuse
    final CompletableFuture<Receipt> first = upload("a", 1);
    await().until(() -> made.size() == 1 && made.get(0).committing.getCount() == 0);
    final CompletableFuture<Receipt> second = upload("b", 2);
    final CompletableFuture<Receipt> third = upload("c", 2);
    await().until(() -> made.size() == 2 && made.get(1).uncommittedRecords().size() == 6);
    made.get(1).commitTransactionException = new KafkaException("the broker went away");

    // when
    release.countDown();

    // then: both uploads of the failed group are 503s; nothing of them was committed
    assertThat(first.join().accepted()).isEqualTo(1);
    for (final CompletableFuture<Receipt> failed : List.of(second, third)) {
      assertThatThrownBy(failed::join).hasCauseInstanceOf(KafkaUnavailable.class);
    }
    assertThat(made.get(1).history()).isEmpty();
    assertThat(made.get(1).closed()).isTrue();

    // and uploads go on
    assertThat(upload("d", 1).join().accepted()).isEqualTo(1);
  }

  @Test
  void shouldGiveAnUploadOverTheGroupLimitATransactionOfItsOwnAndCommitTheGroupItWouldOverfill() {
    // given: a commit in flight, and a small upload waiting in the next group
    final CompletableFuture<Receipt> first = upload("a", 1);
    await().until(() -> made.size() == 1 && made.get(0).committing.getCount() == 0);
    final CompletableFuture<Receipt> small = upload("b", 1);
    await().until(() -> made.size() == 2 && made.get(1).uncommittedRecords().size() == 2);

    // when: an upload too large to join that group arrives
    final CompletableFuture<Receipt> large = upload("c", JournalPublisher.MAX_GROUP_RECORDS);

    // then: the group it would have overfilled commits at once, without waiting for the first
    assertThat(small.join().accepted()).isEqualTo(1);
    assertThat(large.join().accepted()).isEqualTo(JournalPublisher.MAX_GROUP_RECORDS);
    assertThat(first).isNotDone();
    // Each on a producer of its own, or the large one after the small one's commit on the same
    // producer (it may be idle again by then): either way, in transactions of their own.
    assertThat(made.stream().flatMap(p -> p.transactions.stream()))
        .containsExactlyInAnyOrder(List.of("b", "b"), Collections.nCopies(JournalPublisher.MAX_GROUP_RECORDS + 1, "c"));
    release.countDown();
    assertThat(first.join().accepted()).isEqualTo(1);
  }

  @Test
  void shouldRefuseARecordTooLargeBeforeItJoinsATransaction() {
    // when, then: 413, and no transaction was begun for it
    assertThatThrownBy(() -> publisher.publishEncoded("u", "s", List.of(new byte[2_000]), 1, 2_000))
        .isInstanceOfSatisfying(BadInput.class, bad -> assertThat(bad.status()).isEqualTo(413));
    assertThat(made).isEmpty();
  }

  @Test
  void shouldMakeOneProducerAtATimeSoThatUploadsArrivingMeanwhileShareItsTransaction() throws InterruptedException {
    // given: a commit in flight, and an upload making the next producer, which is slow to make
    final CountDownLatch makeTheNext = new CountDownLatch(1);
    final List<CompletableFuture<Receipt>> started = whileTheNextProducerIsMade(new AtomicInteger(), n -> {
      awaitQuietly(makeTheNext);
      return newProducer(new CountDownLatch(0));
    }, 2);
    final CompletableFuture<Receipt> first = started.get(0);
    final CompletableFuture<Receipt> second = started.get(1);

    // when: another upload arrives while that producer is made, and waits (for it, or in making
    // one of its own); then the producer is made, and the first commit ends once both uploads
    // have sent their records into its transaction
    final CompletableFuture<Receipt> third = uploadThatWaits("c", 2);
    makeTheNext.countDown();
    await().until(() -> made.size() == 2 && made.get(1).uncommittedRecords().size() == 2 + 1 + 2 + 1);
    release.countDown();

    // then: no third producer; the two uploads shared the second one's transaction
    assertThat(first.join().accepted()).isEqualTo(1);
    assertThat(second.join().accepted()).isEqualTo(2);
    assertThat(third.join().accepted()).isEqualTo(2);
    assertThat(made).hasSize(2);
    assertThat(made.get(1).transactions).hasSize(1);
    assertThat(made.get(1).transactions.get(0)).containsOnly("b", "c").hasSize(6);
  }

  @Test
  void shouldAnswerUploadsWaitingForAProducerThatCouldNotBeMadeWithoutTryingAgain() {
    // given: a commit in flight, and an upload making the next producer, which Kafka will refuse
    final CountDownLatch refuseTheNext = new CountDownLatch(1);
    final AtomicInteger asked = new AtomicInteger();
    final List<CompletableFuture<Receipt>> started = whileTheNextProducerIsMade(asked, n -> {
      awaitQuietly(refuseTheNext);
      throw new KafkaException("Timeout expired after 10000ms while awaiting InitProducerId");
    }, 1);
    final CompletableFuture<Receipt> first = started.get(0);
    final CompletableFuture<Receipt> making = started.get(1);
    final CompletableFuture<Receipt> waiting = uploadThatWaits("c", 1);

    // when
    refuseTheNext.countDown();

    // then: both are 503s naming Kafka, and the waiting one made no producer of its own
    for (final CompletableFuture<Receipt> refused : List.of(making, waiting)) {
      assertThatThrownBy(refused::join)
          .hasCauseInstanceOf(KafkaUnavailable.class)
          .hasMessageContaining("cannot reach Kafka");
    }
    assertThat(asked).hasValue(2);
    release.countDown();
    assertThat(first.join().accepted()).isEqualTo(1);
  }

  /** A producer ready for transactions, whose commits wait for {@code commits}; kept in {@link #made}. */
  private GatedProducer newProducer(final CountDownLatch commits) {
    final GatedProducer producer = new GatedProducer(commits);
    producer.initTransactions();
    made.add(producer);
    return producer;
  }

  /**
   * Replaces the publisher with one whose first producer holds its commit until {@link #release}
   * and whose later ones {@code next} makes; then sends an upload of one record ("a"), waits for
   * its commit to be in flight, and sends an upload of {@code records} records ("b"), which asks
   * for the next producer.
   *
   * @param asked counts the producers asked for
   * @return the two uploads
   */
  private List<CompletableFuture<Receipt>> whileTheNextProducerIsMade(
      final AtomicInteger asked, final IntFunction<Producer<String, byte[]>> next, final int records) {
    publisher.close();
    publisher = new JournalPublisher(SETTINGS, n -> {
      if (asked.getAndIncrement() > 0) {
        return next.apply(n);
      }
      return newProducer(release);
    });
    final CompletableFuture<Receipt> first = upload("a", 1);
    await().until(() -> made.size() == 1 && made.get(0).committing.getCount() == 0);
    final CompletableFuture<Receipt> second = upload("b", records);
    await().until(() -> asked.get() == 2);
    return List.of(first, second);
  }

  /**
   * An upload on a thread of its own, returned once that thread waits (for a producer, or for
   * Kafka while making one): the state the tests then change under it.
   */
  private CompletableFuture<Receipt> uploadThatWaits(final String site, final int records) {
    final CompletableFuture<Receipt> receipt = new CompletableFuture<>();
    final List<byte[]> encoded = IntStream.range(0, records).mapToObj(i -> new byte[] {(byte) i}).toList();
    final Thread arriving = new Thread(() -> {
      try {
        receipt.complete(publisher.publishEncoded("upload-" + site, site, encoded, records, 1));
      } catch (RuntimeException e) {
        receipt.completeExceptionally(e);
      }
    });
    arriving.start();
    await().until(() -> arriving.getState() == Thread.State.TIMED_WAITING);
    return receipt.orTimeout(60, TimeUnit.SECONDS);
  }

  private static void awaitQuietly(final CountDownLatch latch) {
    try {
      assertThat(latch.await(30, TimeUnit.SECONDS)).as("the test let the producer be made").isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException(e);
    }
  }

  @Test
  void shouldAnswerUnavailableWhenEveryProducerIsCommittingBeyondMaxBlock() {
    // given: two producers, one committing, the other holding a full group; a short wait
    publisher.close();
    publisher = new JournalPublisher(new PublisherSettings(2, Duration.ofMillis(200), Duration.ofSeconds(30), 1_000, Duration.ofSeconds(5)), n -> newProducer(release));
    final CompletableFuture<Receipt> committing = upload("a", 1);
    await().until(() -> made.size() == 1 && made.get(0).committing.getCount() == 0);
    final CompletableFuture<Receipt> full = upload("b", JournalPublisher.MAX_GROUP_RECORDS);
    await().until(() -> made.size() == 2 && made.get(1).uncommittedRecords().size() == JournalPublisher.MAX_GROUP_RECORDS + 1);

    // when, then: the full group is sent to commit, and no producer is left for the upload
    assertThatThrownBy(() -> publisher.publishEncoded("u", "s", List.of(new byte[1]), 1, 1)).isInstanceOf(KafkaUnavailable.class).hasMessageContaining("busy");
    await().until(() -> made.get(1).committing.getCount() == 0);
    release.countDown();
    assertThat(committing.join().accepted() + full.join().accepted()).isEqualTo(1 + JournalPublisher.MAX_GROUP_RECORDS);
  }

  @Test
  void shouldAnswerUnavailableAtTheFirstSendTheProducerRefusesAndSendNoMore() {
    // given: a producer that lost its broker, refusing each send after waiting for metadata
    final CompletableFuture<Receipt> first = upload("a", 1);
    await().until(() -> made.size() == 1 && made.get(0).committing.getCount() == 0);
    final CompletableFuture<Receipt> gathering = upload("b", 1);
    await().until(() -> made.size() == 2 && made.get(1).uncommittedRecords().size() == 2);
    made.get(1).refuseSends = new TimeoutException("Topic cmf.journal.v1 not present in metadata after 10000 ms.");

    // when: an upload of many records joins the producer's transaction
    final CompletableFuture<Receipt> refused = upload("c", 1_000);

    // then: it is a 503 after one refused send, not after a thousand; its group publishes nothing
    assertThatThrownBy(refused::join).hasCauseInstanceOf(KafkaUnavailable.class);
    assertThat(made.get(1).refused.get()).isEqualTo(1);
    assertThatThrownBy(gathering::join).hasCauseInstanceOf(KafkaUnavailable.class);
    assertThat(made.get(1).history()).isEmpty();
    release.countDown();
    assertThat(first.join().accepted()).isEqualTo(1);
  }

  @Test
  void shouldDiscardAProducerThatRefusesToAbortWithoutLettingTheRefusalEscape() {
    // given: a producer whose abort is refused as after a timed-out commit (an IllegalStateException)
    final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    assertThatThrownBy(producer::abortTransaction).isInstanceOf(IllegalStateException.class);

    // when, then: the upload's failure stays a 503 (KafkaUnavailable), not a 500 from the abort
    assertThatCode(() -> JournalPublisher.abortQuietly(producer)).doesNotThrowAnyException();
  }

  private CompletableFuture<Receipt> upload(final String site, final int records) {
    final List<byte[]> encoded = IntStream.range(0, records).mapToObj(i -> new byte[] {(byte) i}).toList();
    // A thread each: uploads wait on one another, so a bounded pool could run them one at a time.
    return CompletableFuture.supplyAsync(() -> publisher.publishEncoded("upload-" + site, site, encoded, records, 1), uploads).orTimeout(60, TimeUnit.SECONDS);
  }

  /** A mock producer whose commits wait for {@code gate}; {@code committing} opens when one starts. */
  private static final class GatedProducer extends MockProducer<String, byte[]> {
    final CountDownLatch committing = new CountDownLatch(1);
    final AtomicInteger refused = new AtomicInteger();
    /** The keys of each transaction committed, in commit order. */
    final List<List<String>> transactions = Collections.synchronizedList(new ArrayList<>());
    /** When set, every send fails at once with it, as a producer's does without metadata. */
    volatile RuntimeException refuseSends;
    private final CountDownLatch gate;

    GatedProducer(final CountDownLatch gate) {
      super(true, null, new StringSerializer(), new ByteArraySerializer());
      this.gate = gate;
    }

    @Override
    public synchronized Future<RecordMetadata> send(final ProducerRecord<String, byte[]> record, final Callback callback) {
      final RuntimeException refusal = refuseSends;
      if (refusal != null) {
        refused.incrementAndGet();
        return CompletableFuture.failedFuture(refusal);
      }
      return super.send(record, callback);
    }

    @Override
    public void commitTransaction() {
      committing.countDown();
      try {
        assertThat(gate.await(30, TimeUnit.SECONDS)).as("the test released the commit").isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KafkaException(e);
      }
      final List<String> keys = uncommittedRecords().stream().map(ProducerRecord::key).toList();
      super.commitTransaction();
      transactions.add(keys);
    }
  }
}
