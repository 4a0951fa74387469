package io.fipkeeper.pki;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The few ASN.1 DER encodings and one decoding step that X.509 and PEM key handling need, without BouncyCastle:
 * definite lengths, tags given by the caller, integers in two's complement. Every method returns a fresh array.
 */
public final class Der {
  private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
  private static final DateTimeFormatter GENERALIZED_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'");

  private Der() {}

  /** One element: tag, definite length, content. */
  public static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int len = content.length;
    if (len < 0x80) {
      out.write(len);
    } else {
      int bytes = len > 0xffffff ? 4 : len > 0xffff ? 3 : len > 0xff ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(len >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  public static byte[] sequence(byte[]... parts) {
    return tlv(0x30, concat(parts));
  }

  public static byte[] integer(BigInteger value) {
    return tlv(0x02, value.toByteArray());
  }

  public static byte[] integer(long value) {
    return integer(BigInteger.valueOf(value));
  }

  public static byte[] bool(boolean value) {
    return tlv(0x01, new byte[] {(byte) (value ? 0xff : 0x00)});
  }

  public static byte[] octetString(byte[] content) {
    return tlv(0x04, content);
  }

  /** A BIT STRING of whole bytes (no unused bits). */
  public static byte[] bitString(byte[] content) {
    return tlv(0x03, concat(new byte[] {0}, content));
  }

  public static byte[] nullValue() {
    return new byte[] {0x05, 0x00};
  }

  /** An OBJECT IDENTIFIER from its dotted form, e.g. {@code 1.2.840.10045.4.3.2}. */
  public static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    if (arcs.length < 2) {
      throw new IllegalArgumentException("an OID has at least two arcs: " + dotted);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
    for (int i = 2; i < arcs.length; i++) {
      base128(out, Long.parseLong(arcs[i]));
    }
    return tlv(0x06, out.toByteArray());
  }

  /** UTCTime up to 2049, GeneralizedTime from 2050 on, as RFC 5280 requires; whole seconds in UTC. */
  public static byte[] time(Instant instant) {
    ZonedDateTime utc = instant.atZone(ZoneOffset.UTC).withNano(0);
    return utc.getYear() < 2050
        ? tlv(0x17, UTC_TIME.format(utc).getBytes(java.nio.charset.StandardCharsets.US_ASCII))
        : tlv(0x18, GENERALIZED_TIME.format(utc).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  /** A constructed, context-specific tag {@code [n]} around {@code content} (EXPLICIT tagging). */
  public static byte[] explicit(int tagNumber, byte[] content) {
    return tlv(0xa0 | tagNumber, content);
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /**
   * {tag, content offset, content length} of the element at {@code pos}.
   *
   * @throws IllegalArgumentException if the element runs past the end of {@code der}
   */
  public static int[] header(byte[] der, int pos) {
    if (pos + 2 > der.length) {
      throw new IllegalArgumentException("truncated DER");
    }
    int tag = der[pos] & 0xff;
    int len = der[pos + 1] & 0xff;
    int offset = pos + 2;
    if (len > 0x80) {
      int bytes = len - 0x80;
      if (bytes > 4 || offset + bytes > der.length) {
        throw new IllegalArgumentException("truncated DER");
      }
      len = 0;
      for (int i = 0; i < bytes; i++) {
        len = (len << 8) | (der[offset + i] & 0xff);
      }
      offset += bytes;
    }
    if (len < 0 || offset + len > der.length) {
      throw new IllegalArgumentException("truncated DER");
    }
    return new int[] {tag, offset, len};
  }

  private static void base128(ByteArrayOutputStream out, long value) {
    int groups = 1;
    for (long v = value >>> 7; v != 0; v >>>= 7) {
      groups++;
    }
    for (int i = groups - 1; i >= 0; i--) {
      int b = (int) ((value >>> (7 * i)) & 0x7f);
      out.write(i == 0 ? b : b | 0x80);
    }
  }
}
