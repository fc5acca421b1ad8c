// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.hash;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.util.Utf8;

/**
 * Writes the {@linkplain CanonicalForm canonical form} straight as UTF-8 bytes into a reusable
 * buffer: the hashing path, which runs once per journal record. It gives exactly the bytes of
 * {@code CanonicalForm.text(value).getBytes(UTF_8)} (a lone surrogate included, which that
 * encoding turns into {@code ?}); {@code CanonicalBytesTest} holds the two to each other. It
 * differs only in how: no intermediate text, record fields in an order sorted once per schema,
 * and doubles expanded without {@link BigDecimal}'s divisions.
 *
 * <p>Its primitives are public for ingest's one-pass reader, which writes a fact's canonical form
 * piece by piece straight from the upload's bytes ({@code EncodedRecords}); what it writes must
 * hash as {@link ContentHash#ofRecord} does for the same fact.
 *
 * <p>Not thread-safe: one instance per thread, reset before each value.
 */
public final class CanonicalBytes {

  /** A buffer that grew beyond this for one large value is not kept for the next. */
  private static final int KEEP = 64 * 1024;

  private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private static final byte[] NULL = ascii("null");
  private static final byte[] TRUE = ascii("true");
  private static final byte[] FALSE = ascii("false");
  private static final byte[] NAN = ascii("NaN");
  private static final byte[] INFINITY = ascii("Infinity");
  private static final byte[] MINUS_INFINITY = ascii("-Infinity");

  /** The record layouts met so far; schemas are few and live as long as their classes. */
  private static final Map<Schema, Layout> LAYOUTS = new ConcurrentHashMap<>();

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101_0101_0101_0101L;
  private static final long HIGHS = 0x8080_8080_8080_8080L;

  private byte[] buf = new byte[512];
  private int len;

  /** Starts a new value. */
  public void reset() {
    if (buf.length > KEEP) {
      buf = new byte[512];
    }
    len = 0;
  }

  /** A copy of the canonical bytes written since the last reset. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }

  /** Feeds the canonical bytes written since the last reset to {@code digest}, without copying them. */
  public void digestInto(final MessageDigest digest) {
    digest.update(buf, 0, len);
  }

  /** Any value {@link CanonicalForm} takes. */
  public void write(final Object value) {
    // The same order of tests as CanonicalForm.write: a Utf8 is a CharSequence first.
    if (value == null) {
      put(NULL);
    } else if (value instanceof String s) {
      writeString(s);
    } else if (value instanceof CharSequence s) {
      writeString(s.toString());
    } else if (value instanceof Boolean b) {
      put(b ? TRUE : FALSE);
    } else if (value instanceof Number n) {
      writeNumber(n);
    } else if (value instanceof Map<?, ?> map) {
      writeMap(map);
    } else if (value instanceof Set<?> set) {
      writeSet(set);
    } else if (value instanceof Collection<?> list) {
      writeList(list);
    } else if (value instanceof Object[] array) {
      writeList(Arrays.asList(array));
    } else if (value instanceof Enum<?> e) {
      writeString(e.name());
    } else if (value instanceof IndexedRecord r) {
      writeRecord(null, r);
    } else if (value instanceof Utf8 || value instanceof GenericEnumSymbol<?>) {
      writeString(value.toString());
    } else if (value instanceof Instant i) {
      writeLong(i.toEpochMilli());
    } else {
      throw new IllegalArgumentException("no canonical form for " + value.getClass().getName());
    }
  }

  /** The record's fields as a map, plus {@code "kind": kind} when a kind is given. */
  void writeRecord(final String kind, final IndexedRecord record) {
    final Layout layout = LAYOUTS.computeIfAbsent(record.getSchema(), Layout::new);
    final int[] order = kind == null ? layout.fields : layout.fieldsAndKind;
    final byte[][] keys = kind == null ? layout.fieldKeys : layout.fieldAndKindKeys;
    put((byte) '{');
    for (int i = 0; i < order.length; i++) {
      if (i > 0) {
        put((byte) ',');
      }
      put(keys[i]);
      if (order[i] == Layout.KIND) {
        writeString(kind);
      } else {
        write(record.get(order[i]));
      }
    }
    put((byte) '}');
  }

  private void writeMap(final Map<?, ?> map) {
    final int n = map.size();
    final String[] keys = new String[n];
    final Object[] values = new Object[n];
    int count = 0;
    for (final Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof CharSequence key)) {
        throw new IllegalArgumentException("map keys must be strings, got " + e.getKey());
      }
      keys[count] = key.toString();
      values[count] = e.getValue();
      count++;
    }
    sortStable(keys, values, count);
    put((byte) '{');
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        put((byte) ',');
      }
      writeString(keys[i]);
      put((byte) ':');
      write(values[i]);
    }
    put((byte) '}');
  }

  /**
   * Sorts entries by key in code point order, keeping the iteration order of equal keys (two
   * keys of different CharSequence types may read alike) as CanonicalForm's stable sort does.
   */
  private static void sortStable(final String[] keys, final Object[] values, final int n) {
    if (n <= 16) {
      for (int i = 1; i < n; i++) {
        final String key = keys[i];
        final Object value = values[i];
        int j = i - 1;
        while (j >= 0 && CanonicalForm.compareCodePoints(keys[j], key) > 0) {
          keys[j + 1] = keys[j];
          values[j + 1] = values[j];
          j--;
        }
        keys[j + 1] = key;
        values[j + 1] = value;
      }
      return;
    }
    final Integer[] index = new Integer[n];
    for (int i = 0; i < n; i++) {
      index[i] = i;
    }
    // Arrays.sort of objects is stable.
    Arrays.sort(index, (a, b) -> CanonicalForm.compareCodePoints(keys[a], keys[b]));
    final String[] sortedKeys = new String[n];
    final Object[] sortedValues = new Object[n];
    for (int i = 0; i < n; i++) {
      sortedKeys[i] = keys[index[i]];
      sortedValues[i] = values[index[i]];
    }
    System.arraycopy(sortedKeys, 0, keys, 0, n);
    System.arraycopy(sortedValues, 0, values, 0, n);
  }

  private void writeSet(final Set<?> set) {
    final List<byte[]> members = new ArrayList<>(set.size());
    final CanonicalBytes member = new CanonicalBytes();
    for (final Object m : set) {
      member.reset();
      member.write(m);
      members.add(member.toByteArray());
    }
    members.sort(Arrays::compareUnsigned);
    put((byte) '<');
    for (int i = 0; i < members.size(); i++) {
      if (i > 0) {
        put((byte) ',');
      }
      put(members.get(i));
    }
    put((byte) '>');
  }

  private void writeList(final Collection<?> list) {
    put((byte) '[');
    boolean first = true;
    for (final Object item : list) {
      if (!first) {
        put((byte) ',');
      }
      first = false;
      write(item);
    }
    put((byte) ']');
  }

  private void writeNumber(final Number n) {
    if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
      writeLong(n.longValue());
    } else if (n instanceof BigInteger b) {
      putAscii(b.toString());
    } else if (n instanceof Double || n instanceof Float) {
      writeDouble(n.doubleValue());
    } else if (n instanceof BigDecimal b) {
      putAscii(b.signum() == 0 ? "0" : b.stripTrailingZeros().toPlainString());
    } else {
      throw new IllegalArgumentException("no canonical form for number type " + n.getClass().getName());
    }
  }

  /** An integer, in decimal as CanonicalForm writes it. */
  public void writeLong(final long value) {
    putAscii(Long.toString(value));
  }

  /** A double: its exact decimal value, {@code 0} for either zero, or NaN and the infinities by name. */
  public void writeDouble(final double d) {
    if (Double.isNaN(d)) {
      put(NAN);
    } else if (Double.isInfinite(d)) {
      put(d > 0 ? INFINITY : MINUS_INFINITY);
    } else if (d == 0) {
      // -0.0 too.
      put((byte) '0');
    } else {
      putAscii(exactDecimal(d));
    }
  }

  /** 5^k, made when first needed; BigInteger is immutable, so a racy fill is safe. */
  private static final BigInteger[] FIVE_POW = new BigInteger[1075];

  private static BigInteger fivePow(final int k) {
    BigInteger p = FIVE_POW[k];
    if (p == null) {
      p = BigInteger.valueOf(5).pow(k);
      FIVE_POW[k] = p;
    }
    return p;
  }

  /**
   * The exact decimal value of a finite, non-zero double without trailing zeros: what {@code new
   * BigDecimal(d).stripTrailingZeros().toPlainString()} gives. The double is m·2^e with m odd;
   * with e = -k < 0 its fraction has exactly k decimals, the last one not zero (m·5^k is odd).
   */
  static String exactDecimal(final double d) {
    final long bits = Double.doubleToRawLongBits(d);
    final int biased = (int) ((bits >>> 52) & 0x7ff);
    long mantissa = bits & 0x000f_ffff_ffff_ffffL;
    int exponent;
    if (biased == 0) {
      exponent = -1074;
    } else {
      mantissa |= 1L << 52;
      exponent = biased - 1075;
    }
    final int zeros = Long.numberOfTrailingZeros(mantissa);
    mantissa >>>= zeros;
    exponent += zeros;
    final String sign = bits < 0 ? "-" : "";
    if (exponent >= 0) {
      if (exponent < Long.numberOfLeadingZeros(mantissa) - 1) {
        return sign + (mantissa << exponent);
      }
      return sign + BigInteger.valueOf(mantissa).shiftLeft(exponent);
    }
    final int decimals = -exponent;
    if (decimals <= 116) {
      return sign + fraction(mantissa, decimals);
    }
    final String digits = BigInteger.valueOf(mantissa).multiply(fivePow(decimals)).toString();
    final StringBuilder out = new StringBuilder(sign.length() + decimals + 2).append(sign).append("0.");
    for (int i = digits.length(); i < decimals; i++) {
      out.append('0');
    }
    return out.append(digits).toString();
  }

  /**
   * m / 2^k in decimal for m < 2^53 and 1 <= k <= 116, by long arithmetic: the integer part, then
   * the k decimals of the fraction f / 2^k, each the integer part of f·10 / 2^k, with f kept in 128
   * bits (f·10 < 2^120), where BigInteger's toString would divide.
   */
  private static String fraction(final long m, final int k) {
    final StringBuilder out = new StringBuilder(k + 20);
    long hi = 0;
    long lo;
    if (k < 64) {
      out.append(m >>> k);
      lo = m & ((1L << k) - 1);
    } else {
      out.append('0');
      lo = m;
    }
    out.append('.');
    for (int i = 0; i < k; i++) {
      // (hi, lo) * 10, unsigned; Java 17 has only the signed multiplyHigh.
      final long carry = Math.multiplyHigh(lo, 10) + ((lo >> 63) & 10);
      final long productLo = lo * 10;
      final long productHi = hi * 10 + carry;
      final int digit;
      if (k < 64) {
        digit = (int) ((productHi << (64 - k)) | (productLo >>> k));
        hi = 0;
        lo = productLo & ((1L << k) - 1);
      } else {
        digit = (int) (productHi >>> (k - 64));
        hi = k == 64 ? 0 : productHi & ((1L << (k - 64)) - 1);
        lo = productLo;
      }
      out.append((char) ('0' + digit));
    }
    return out.toString();
  }

  /**
   * A string as CanonicalForm writes it, then encoded as String.getBytes(UTF_8) would. The escapes
   * are all of ASCII characters, and every byte of a multi-byte UTF-8 sequence is 0x80 or above, so
   * escaping the UTF-8 bytes one by one gives the same bytes as encoding the escaped text; and the
   * JDK encodes a lone surrogate as {@code ?} either way. So the JDK encodes (a copy of the string's
   * bytes, for the ASCII strings nearly all facts are), and only the bytes below 0x20, 0x7f, {@code
   * "} and {@code \} are looked at again.
   */
  private void writeString(final String s) {
    final byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    writeUtf8(utf8, 0, utf8.length);
  }

  /**
   * The string whose UTF-8 encoding is {@code utf8[from, from + length)}, which must be
   * well-formed: quoted and escaped as {@link #writeString} does.
   */
  public void writeUtf8(final byte[] utf8, final int from, final int length) {
    final int end = from + length;
    // At most 6 bytes per byte (an escape), plus the quotes.
    ensure(length * 6 + 2);
    final byte[] b = buf;
    int at = len;
    b[at++] = '"';
    int run = from;
    while (true) {
      final int i = firstEscaped(utf8, run, end);
      System.arraycopy(utf8, run, b, at, i - run);
      at += i - run;
      if (i == end) {
        break;
      }
      final int c = utf8[i];
      b[at++] = '\\';
      if (c == '"' || c == '\\') {
        b[at++] = (byte) c;
      } else {
        b[at++] = 'u';
        b[at++] = '0';
        b[at++] = '0';
        b[at++] = HEX[c >> 4];
        b[at++] = HEX[c & 0xf];
      }
      run = i + 1;
    }
    b[at++] = '"';
    len = at;
  }

  /**
   * The string whose UTF-8 encoding is {@code utf8[from, from + length)}, which the caller knows to
   * be well-formed and free of every byte {@link #firstEscaped} finds: quoted, with its bytes as
   * they are. What {@link #writeUtf8} writes for such a string, without looking at it again.
   */
  public void writeQuoted(final byte[] utf8, final int from, final int length) {
    ensure(length + 2);
    final byte[] b = buf;
    b[len] = '"';
    System.arraycopy(utf8, from, b, len + 1, length);
    b[len + 1 + length] = '"';
    len += length + 2;
  }

  /**
   * The index of the first byte in {@code b[from, to)} the canonical form escapes (below 0x20,
   * {@code "}, {@code \}, 0x7f), or {@code to}. Eight bytes at a time: strings are nearly all
   * plain, and this runs over every byte of every string hashed.
   */
  public static int firstEscaped(final byte[] b, final int from, final int to) {
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      final long mask = escapes((long) LONGS.get(b, i));
      if (mask != 0) {
        // The lowest byte flagged is always a true one: a borrow only runs upwards from it.
        return i + (Long.numberOfTrailingZeros(mask) >>> 3);
      }
    }
    for (; i < to; i++) {
      final int c = b[i];
      if (c >= 0 && (c < 0x20 || c == '"' || c == '\\' || c == 0x7f)) {
        return i;
      }
    }
    return to;
  }

  /** The high bit of each byte of {@code x} that is escaped, and perhaps of bytes above the first. */
  private static long escapes(final long x) {
    final long quote = x ^ (ONES * '"');
    final long backslash = x ^ (ONES * '\\');
    final long delete = x ^ (ONES * 0x7f);
    // A zero byte of y: (y - 1) & ~y has its high bit; a byte below 0x20: (x - 0x20) & ~x has.
    return ((quote - ONES) & ~quote | (backslash - ONES) & ~backslash | (delete - ONES) & ~delete | (x - ONES * 0x20) & ~x) & HIGHS;
  }

  private void putAscii(final String s) {
    final int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[len + i] = (byte) s.charAt(i);
    }
    len += n;
  }

  /** One byte as it is: a brace, a comma, a colon. */
  public void put(final byte b) {
    ensure(1);
    buf[len++] = b;
  }

  /** Bytes as they are: a literal such as {@code null} or {@code true}. */
  public void put(final byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, len, bytes.length);
    len += bytes.length;
  }

  private void ensure(final int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }

  private static byte[] ascii(final String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /**
   * A record schema's fields in canonical key order, with and without the {@code kind} entry, and
   * each key already written as {@code "name":}.
   */
  private static final class Layout {

    static final int KIND = -1;

    final int[] fields;
    final byte[][] fieldKeys;
    final int[] fieldsAndKind;
    final byte[][] fieldAndKindKeys;

    Layout(final Schema schema) {
      final List<Schema.Field> all = schema.getFields();
      final List<Map.Entry<String, Integer>> plain = new ArrayList<>();
      for (final Schema.Field f : all) {
        plain.add(Map.entry(f.name(), f.pos()));
      }
      final List<Map.Entry<String, Integer>> withKind = new ArrayList<>();
      // First, as CanonicalForm puts it first before its stable sort.
      withKind.add(Map.entry("kind", KIND));
      withKind.addAll(plain);
      plain.sort((a, b) -> CanonicalForm.compareCodePoints(a.getKey(), b.getKey()));
      withKind.sort((a, b) -> CanonicalForm.compareCodePoints(a.getKey(), b.getKey()));
      fields = plain.stream().mapToInt(Map.Entry::getValue).toArray();
      fieldKeys = plain.stream().map(e -> key(e.getKey())).toArray(byte[][]::new);
      fieldsAndKind = withKind.stream().mapToInt(Map.Entry::getValue).toArray();
      fieldAndKindKeys = withKind.stream().map(e -> key(e.getKey())).toArray(byte[][]::new);
    }

    private static byte[] key(final String name) {
      final CanonicalBytes out = new CanonicalBytes();
      out.writeString(name);
      out.put((byte) ':');
      return out.toByteArray();
    }
  }
}
